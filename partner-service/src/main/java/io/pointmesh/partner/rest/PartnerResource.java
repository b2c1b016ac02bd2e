package io.pointmesh.partner.rest;

import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.service.PartnerService;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

@Path("/partners/v1/partners")
@Tag(name = "partners", description = "Partner onboarding and lifecycle")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PartnerResource {

    @Inject
    PartnerService service;

    @Inject
    Caller caller;

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Register a partner (status PENDING until activated)")
    public Uni<RestResponse<PartnerView>> register(@Valid @NotNull PartnerRequests.RegisterPartner request) {
        return service.register(request).map(p -> RestResponse.ResponseBuilder
                .<PartnerView>created(URI.create("/partners/v1/partners/" + p.id)).entity(PartnerView.of(p)).build());
    }

    @GET
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "List partners, optionally by status")
    public Uni<List<PartnerView>> list(@QueryParam("status") PartnerStatus status,
                                       @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
                                       @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return service.list(status, offset, limit).map(l -> l.stream().map(PartnerView::of).toList());
    }

    @GET
    @Path("/{partnerId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "One partner (an operator, or the partner itself)")
    public Uni<PartnerView> get(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return service.get(partnerId).map(PartnerView::of);
    }
}
