package io.pointmesh.analytics.rest;

import io.pointmesh.analytics.repository.CampaignRepository;
import io.pointmesh.analytics.service.CampaignResults;
import io.pointmesh.analytics.service.Offers;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.RateLimiter;
import io.pointmesh.platform.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Campaign A/B results and lift, and the next best offers at a partner's POS. */
@Path("/analytics/v1")
@Tag(name = "campaigns", description = "Campaign results and next best offers")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class CampaignAnalyticsResource {

    @Inject
    Caller caller;

    @Inject
    CampaignResults results;

    @Inject
    Offers offers;

    @Inject
    RateLimiter limiter;

    @Inject
    io.pointmesh.analytics.service.HeavyRequests heavy;

    /** Offer lookups (each a card lookup) one partner may make per minute before 429. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "pointmesh.analytics.offer-lookups-per-minute",
            defaultValue = "600")
    int offerLookupsPerMinute;

    @GET
    @Path("/campaigns")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Campaigns, newest first: a partner's own and those it co-funds; operators every campaign or one "
                    + "partner's (partnerId; partnerId=network for the network's own)")
    @Extension(name = ProblemResponses.EXTENSION, value = "403 other-partner partner-not-active no-partner-id")
    public List<CampaignRepository.Summary> campaigns(@QueryParam("partnerId") String partnerId) {
        if (caller.isOperator()) {
            return results.campaigns(partnerId);
        }
        if (partnerId != null && !partnerId.equals(caller.partnerId())) {
            throw ProblemException.forbidden("other-partner", "a partner may only read its own data");
        }
        return results.campaigns(caller.partnerId());
    }

    @GET
    @Path("/campaigns/{campaignId}/results")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary =
                    "Treatment against control: purchase rate, spend per member, redemption rate, with 95 % intervals and "
                            + "p-values; for the campaign's partner (or its co-funder) only when each arm has at least k members")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 not-your-campaign partner-not-active no-partner-id; 404 not-found; 429 too-many-in-flight")
    public CampaignResults.Results results(@PathParam("campaignId") String campaignId) {
        requireReader(campaignId);
        try (io.pointmesh.analytics.service.HeavyRequests.Slot slot =
                heavy.enter(caller.isOperator() ? null : caller.partnerId())) {
            return results.results(campaignId, !caller.isOperator());
        }
    }

    @GET
    @Path("/campaigns/{campaignId}/lift")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary =
                    "Before and during: for treatment and control of the campaign's population (a joint campaign's: its "
                            + "audience at the start), the share of members who purchased at its partner and their net spend per "
                            + "member, in the period of the campaign's length before its start and during it, and the lift "
                            + "(difference-in-differences); the campaign's partner and co-funder see figures only when each arm "
                            + "has at least k members")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 not-your-campaign partner-not-active no-partner-id; 404 not-found; 429 too-many-in-flight")
    public CampaignResults.Lift lift(@PathParam("campaignId") String campaignId) {
        requireReader(campaignId);
        try (io.pointmesh.analytics.service.HeavyRequests.Slot slot =
                heavy.enter(caller.isOperator() ? null : caller.partnerId())) {
            return results.lift(campaignId, !caller.isOperator());
        }
    }

    /** Operators, or the campaign's partner or co-funder; 404 for an unknown campaign (to anyone). */
    private void requireReader(String campaignId) {
        CampaignRepository.Owner owner = results.ownerOf(campaignId);
        if (caller.isOperator()) {
            return;
        }
        String partnerId = caller.partnerId();
        if (!partnerId.equals(owner.partnerId()) && !partnerId.equals(owner.coFunderId())) {
            throw ProblemException.forbidden("not-your-campaign", "the campaign is not this partner's");
        }
    }

    @GET
    @Path("/offers")
    @RolesAllowed(Roles.PARTNER)
    @Operation(
            summary =
                    "Up to three ranked offers for the card's member at this partner (frequency-capped, consent respected); "
                            + "the partner's integration client only (showing an offer counts against the member's cap); rate-limited per partner (429)")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed; 403 read-only-credentials other-partner partner-not-active no-partner-id; 404 not-found; 429 rate-limited")
    public List<Offers.Offer> offers(
            @QueryParam("cardNumber") String cardNumber, @QueryParam("partnerId") String partnerId) {
        caller.requireIntegrationClient();
        limiter.acquire(
                "offer lookups",
                caller.partnerId(),
                new RateLimiter.Limit(offerLookupsPerMinute, java.time.Duration.ofMinutes(1)));
        if (cardNumber == null || cardNumber.isBlank()) {
            throw ProblemException.invalidField("cardNumber", "required");
        }
        if (partnerId == null || partnerId.isBlank()) {
            throw ProblemException.invalidField("partnerId", "required");
        }
        caller.requirePartnerOrOperator(partnerId);
        return offers.offers(cardNumber, partnerId);
    }
}
