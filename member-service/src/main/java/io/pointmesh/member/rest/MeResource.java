package io.pointmesh.member.rest;

import io.pointmesh.member.Member;
import io.pointmesh.member.config.MemberConfig;
import io.pointmesh.member.rest.MemberViews.CardView;
import io.pointmesh.member.rest.MemberViews.ConsentChangeView;
import io.pointmesh.member.rest.MemberViews.ConsentView;
import io.pointmesh.member.rest.MemberViews.GradeView;
import io.pointmesh.member.rest.MemberViews.NotificationView;
import io.pointmesh.member.rest.MemberViews.Profile;
import io.pointmesh.member.rest.MemberViews.ProgressView;
import io.pointmesh.member.service.ConsentService;
import io.pointmesh.member.service.MembershipService;
import io.pointmesh.member.service.MembershipService.JoinCommand;
import io.pointmesh.member.service.MembershipService.Standing;
import io.pointmesh.member.service.NotificationService;
import io.pointmesh.platform.config.GradeTerms;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.RateLimiter;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The signed-in member (role member, through the mobile card app): joining, the card, consent, the inbox, leaving. */
@Path("/members/v1/me")
@Tag(name = "me", description = "The mobile card app's member")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.MEMBER)
public class MeResource {

    public record JoinRequest(
            @NotBlank @Size(max = 100) String name,

            @NotBlank @Pattern(regexp = "\\+[1-9][0-9]{7,14}", message = "an E.164 number, e.g. +821012345678")
            String mobileNumber,

            @NotBlank @Email @Size(max = 254) String email,
            Integer birthYear,

            @Pattern(regexp = "F|M|X", message = "F, M or X")
            String gender,

            @Size(max = 60) String region,
            @Size(max = 20) String referralCode) {}

    @Inject
    Caller caller;

    @Inject
    MembershipService membership;

    @Inject
    ConsentService consents;

    @Inject
    NotificationService notifications;

    @Inject
    GradeTerms grades;

    @Inject
    MemberConfig config;

    @Inject
    RateLimiter limiter;

    private static final String JOIN_ATTEMPTS = "join attempts";

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Join the network: one card is issued (16 digits, Luhn); a referral code is optional")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = JoinRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.JOIN_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Joined (Location: /members/v1/me): the profile with the new card",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Profile.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.PROFILE)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "409 already-joined account-left duplicate-mobile-number; 422 unknown-referral-code referral-limit-reached; "
                            + "429 rate-limited")
    public Uni<RestResponse<Profile>> join(@Valid @NotNull JoinRequest body) {
        // a refused join can tell something about other members (a mobile number taken, a referral code unknown or at
        // its limit): not to be asked in bulk. Every attempt is counted as it arrives, so parallel ones cannot all pass
        // before the first refusal is counted; an account joins once, so an honest one never meets it
        limiter.acquire(
                JOIN_ATTEMPTS,
                caller.subject(),
                new RateLimiter.Limit(config.joinAttemptsPerAccount(), config.joinAttemptsWindow()));
        return membership
                .join(
                        caller.subject(),
                        new JoinCommand(
                                body.name(),
                                body.mobileNumber(),
                                body.email(),
                                body.birthYear(),
                                body.gender(),
                                body.region(),
                                body.referralCode()))
                .chain(m -> membership.standing(m.id))
                .map(s -> RestResponse.ResponseBuilder.<Profile>created(URI.create("/members/v1/me"))
                        .entity(profile(s))
                        .build());
    }

    @GET
    @Operation(summary = "The profile, card, grade with its benefits, and the progress to the next grade")
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-joined")
    public Uni<Profile> me() {
        return membership.standing(caller.subject()).map(this::profile);
    }

    @POST
    @Path("/card/replacement")
    @Operation(summary = "Lost card: block the old number and issue a new one; the points stay")
    @APIResponse(
            responseCode = "200",
            description = "The new card (the old number is blocked)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CARD)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-joined; 409 card-replaced")
    public Uni<CardView> replaceCard() {
        return membership.replaceCard(caller.subject()).map(CardView::of);
    }

    @GET
    @Path("/consents")
    @Operation(summary = "Consent choices and their history")
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-joined not-found")
    public Uni<ConsentView> consents() {
        return membership.me(caller.subject()).chain(m -> consent(m.id));
    }

    @PUT
    @Path("/consents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change consent: any of marketingSms, marketingEmail, marketingPush, personalization, "
                    + "shareWithAllPartners (booleans), sharedPartnerIds (a list); keys not given keep their value")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            type = SchemaType.OBJECT,
                                            description =
                                                    "Any of the consent keys with its new value; the others keep theirs"),
                            examples = @ExampleObject(name = "request", value = ApiExamples.CONSENT_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The consent choices now, with their history",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ConsentView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CONSENT)))
    @Extension(name = ProblemResponses.EXTENSION, value = "400 no-consent-change; 404 not-joined not-found")
    public Uni<ConsentView> changeConsents(@NotNull Map<String, Object> body) {
        return membership
                .me(caller.subject())
                .chain(m -> consents.change(m.id, body).chain(() -> consent(m.id)));
    }

    @GET
    @Path("/notifications")
    @Operation(summary = "The in-app inbox, newest first")
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed; 404 not-joined")
    public Uni<List<NotificationView>> inbox(
            @QueryParam("unread") @DefaultValue("false") boolean unread,
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit) {
        return membership
                .me(caller.subject())
                .chain(m -> notifications.inbox(m.id, unread, offset, limit))
                .map(l -> l.stream().map(NotificationView::of).toList());
    }

    @POST
    @Path("/notifications/{id}/read")
    @Operation(summary = "Mark a notification read")
    @APIResponse(
            responseCode = "200",
            description = "The notification, read (marking it again changes nothing)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = NotificationView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.NOTIFICATION_READ)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public Uni<NotificationView> read(@PathParam("id") UUID id) {
        return notifications.markRead(caller.subject(), id).map(NotificationView::of);
    }

    @DELETE
    @Operation(summary = "Leave the network for good: personal data erased everywhere, remaining points forfeited")
    @APIResponse(responseCode = "204", description = "Left: the personal data is erased")
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-joined")
    public Uni<RestResponse<Void>> leave() {
        return membership.leave(caller.subject()).map(ignored -> RestResponse.noContent());
    }

    private Uni<ConsentView> consent(String memberId) {
        return consents.current(memberId)
                .chain(c -> consents.history(memberId)
                        .map(h -> ConsentView.of(
                                c,
                                h.stream()
                                        .map(x -> new ConsentChangeView(x.changedAt(), x.choices()))
                                        .toList())));
    }

    private Profile profile(Standing s) {
        Member m = s.member();
        String next = MemberViews.nextGrade(m.grade);
        BigDecimal spend = m.netSpend12Months == null ? BigDecimal.ZERO : m.netSpend12Months;
        BigDecimal from = next == null ? null : s.thresholds().get(next);
        ProgressView progress = next == null
                ? null
                : new ProgressView(
                        next,
                        spend,
                        from,
                        from == null ? null : from.subtract(spend).max(BigDecimal.ZERO));
        BigDecimal multiplier = grades.multipliers().getOrDefault(m.grade, BigDecimal.ONE);
        // the points line comes from the multiplier the ledger applies, so the two never disagree
        List<String> benefits = new ArrayList<>();
        benefits.add(
                multiplier.compareTo(BigDecimal.ONE) == 0
                        ? "points on every purchase at every partner"
                        : multiplier.stripTrailingZeros().toPlainString() + "x points on every purchase");
        String perks = config.gradeBenefits().getOrDefault(m.grade, "");
        if (!perks.isBlank()) {
            benefits.addAll(Arrays.asList(perks.split(";\\s*")));
        }
        GradeView grade = new GradeView(m.grade, multiplier, List.copyOf(benefits), m.gradeAsOf, m.netSpend12Months);
        return new Profile(
                m.id,
                m.name,
                m.mobileNumber,
                m.email,
                m.birthYear,
                m.gender,
                m.region,
                m.status.name(),
                m.joinedAt,
                m.referralCode,
                CardView.of(s.card()),
                grade,
                progress,
                m.segment);
    }
}
