package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.PartnerEntry;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;

@Path("/ledger/v1/partners")
@Tag(name = "partners", description = "The ledger's view of partners")
@Produces(MediaType.APPLICATION_JSON)
public class PartnerDirectoryResource {

    /** The ledger's view of one partner: whether it may earn and redeem right now. */
    public record PartnerStatusView(String partnerId, String legalName, String status, Instant updatedAt) {
    }

    @Inject
    Caller caller;

    @GET
    @Path("/{partnerId}")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @WithSession
    @Operation(summary = "The ledger's view of a partner (from partner.events): an operator, or the partner itself")
    public Uni<PartnerStatusView> get(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return PartnerEntry.<PartnerEntry>findById(partnerId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("partner", partnerId))
                .map(p -> new PartnerStatusView(p.partnerId, p.legalName, p.status, p.updatedAt));
    }
}
