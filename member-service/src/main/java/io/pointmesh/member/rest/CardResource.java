package io.pointmesh.member.rest;

import io.pointmesh.member.Card;
import io.pointmesh.member.MemberStatus;
import io.pointmesh.member.config.MemberConfig;
import io.pointmesh.member.rest.MemberViews.CardHolderView;
import io.pointmesh.member.rest.MemberViews.SharedDetails;
import io.pointmesh.member.service.MembershipService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.RateLimiter;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Cards at the point of sale. */
@Path("/members/v1/cards")
@Tag(name = "cards", description = "Card lookup for partners' POS")
@Produces(MediaType.APPLICATION_JSON)
public class CardResource {

    @Inject
    Caller caller;

    @Inject
    MembershipService membership;

    @Inject
    RateLimiter limiter;

    @Inject
    MemberConfig config;

    @GET
    @Path("/{cardNumber}")
    @RolesAllowed({Roles.PARTNER, Roles.OPERATOR})
    @Operation(
            summary =
                    "A card at the POS (rate-limited per partner: 429 with Retry-After): member id, status, grade, and only what the member shares with this partner. "
                            + "A blocked card answers cardStatus BLOCKED and nothing of its member")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed; 403 partner-not-active read-only-credentials; 404 not-found; 429 rate-limited")
    public Uni<CardHolderView> card(@PathParam("cardNumber") String cardNumber) {
        if (caller.isPartner() && !caller.isOperator()) {
            // a card at the till is the till's (the integration client's): a staff member signed in to the console
            // or dashboard neither reads cardholders' details nor spends the tills' lookup budget
            caller.requireIntegrationClient();
            limiter.acquire(
                    "card lookups",
                    caller.partnerId(),
                    new RateLimiter.Limit(config.cardLookupsPerPartner(), config.cardLookupsWindow()));
        }
        return membership.cardHolder(cardNumber).map(h -> {
            if (Card.BLOCKED.equals(h.card().status) || h.member().status == MemberStatus.LEFT) {
                return new CardHolderView(h.card().cardNumber, Card.BLOCKED, null, null, null, null);
            }
            var m = h.member();
            boolean shares =
                    h.consent() != null && caller.isPartner() && h.consent().sharesWith(caller.partnerId());
            SharedDetails shared =
                    shares ? new SharedDetails(m.name, m.mobileNumber, m.email, m.birthYear, m.gender, m.region) : null;
            return new CardHolderView(h.card().cardNumber, h.card().status, m.id, m.status.name(), m.grade, shared);
        });
    }
}
