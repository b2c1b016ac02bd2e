package io.pointmesh.member.rest;

import io.pointmesh.member.service.ConsentService;
import io.pointmesh.member.service.ConsentService.Republished;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators: publishing members' current consent again, a page at a time (docs/members.md, "Consent"). */
@Path("/members/v1/consent-republications")
@Tag(name = "members", description = "Operators' member administration")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@RolesAllowed(Roles.OPERATOR)
public class ConsentRepublicationResource {

    @Inject
    ConsentService consents;

    @POST
    @Operation(
            summary = "Publish the current consent of the next members (by member id, after `after`) again as "
                    + "member.consent-changed; call again with `next` until it is null")
    @APIResponse(
            responseCode = "200",
            description = "How many were published, and where the next page starts (null: done)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Republished.class),
                            examples =
                                    @ExampleObject(
                                            name = "answer",
                                            value =
                                                    "{\"republished\": 500, \"next\": \"0193a2f4-7c1e-7b55-9d0e-4a1f2b3c4d5e\"}")))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public Uni<Republished> republish(
            @QueryParam("after") @Size(max = 100) String after,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(1000) int limit) {
        return consents.republish(after, limit);
    }
}
