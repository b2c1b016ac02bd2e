package io.pointmesh.member.rest;

import io.pointmesh.member.Member;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

@Path("/members/v1")
@Tag(name = "members")
@Produces(MediaType.APPLICATION_JSON)
public class MemberResource {

    /** A member as the API shows it. */
    public record MemberView(String memberId, String name, String mobileNumber, String email, String cardNumber,
                             String status, Instant joinedAt) {
        static MemberView of(Member m) {
            return new MemberView(m.id, m.name, m.mobileNumber, m.email, m.cardNumber, m.status, m.joinedAt);
        }
    }

    @Inject
    Caller caller;

    @GET
    @Path("/me")
    @RolesAllowed(Roles.MEMBER)
    @WithSession
    @Operation(summary = "The signed-in member's profile")
    public Uni<MemberView> me() {
        return Member.<Member>find("subject", caller.subject()).firstResult()
                .onItem().ifNull().failWith(() -> new ProblemException(404, "not-joined", "Not a member yet",
                        "this account has not joined the network: POST /members/v1/me", null))
                .map(MemberView::of);
    }

    @GET
    @Path("/members")
    @RolesAllowed(Roles.OPERATOR)
    @WithSession
    @Operation(summary = "Operators: find members by phone number, card number or name")
    public Uni<List<MemberView>> search(@QueryParam("q") @Size(max = 100) String query,
                                        @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        var found = query == null || query.isBlank()
                ? Member.<Member>find("order by joinedAt desc, id")
                : Member.<Member>find("mobileNumber = ?1 or cardNumber = ?1 or lower(name) like ?2 order by joinedAt desc, id",
                        query.strip(), "%" + query.strip().toLowerCase() + "%");
        return found.range(0, limit - 1).list().map(l -> l.stream().map(MemberView::of).toList());
    }
}
