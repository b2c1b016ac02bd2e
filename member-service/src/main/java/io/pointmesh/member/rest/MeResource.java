package io.pointmesh.member.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.RateLimiter;
import io.pointmesh.platform.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
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
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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

    @Context
    HttpHeaders headers;

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

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

    // read by json.readValue from the raw body (which may be empty), not by REST: registered for the native image
    /** Which card a replacement replaces (optional): a request made before another replacement then replaces nothing. */
    @RegisterForReflection
    public record CardReplacementRequest(
            @Pattern(regexp = "[0-9]{16}", message = "the 16 digits of the card being replaced")
            String cardNumber) {}

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    static final int MAX_KEY_LENGTH = 200;

    @POST
    @Path("/card/replacement")
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary = "Lost card: block the old number and issue a new one; the points stay. "
                    + "Send an Idempotency-Key to retry safely, and the card being replaced so that a late request "
                    + "replaces nothing more")
    @RequestBody(
            required = false,
            description = "Optional: the card being replaced; if it is no longer the active card, 409 card-replaced "
                    + "and nothing changes",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CardReplacementRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.CARD_REPLACEMENT_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The new card (the old number is blocked); a retry with the same Idempotency-Key and body: "
                    + "the card that request issued, as it is now (header Idempotent-Replayed: true), nothing more is "
                    + "replaced",
            headers =
                    @Header(
                            name = REPLAYED,
                            description = "true: this answers an earlier request with the same key",
                            schema = @Schema(type = SchemaType.STRING, enumeration = "true")),
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = CardView.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.CARD)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "400 validation-failed; 404 not-joined; 409 card-replaced idempotency-key-reused")
    public Uni<RestResponse<CardView>> replaceCard(
            @Parameter(
                            name = IDEMPOTENCY_KEY,
                            in = ParameterIn.HEADER,
                            description = "Optional; 1 to " + MAX_KEY_LENGTH
                                    + " visible ASCII characters, new for each replacement the member asks for (a "
                                    + "UUID): a retry with the same key and body answers the card the first issued "
                                    + "(200, Idempotent-Replayed: true), the same key with another body 409 "
                                    + "idempotency-key-reused",
                            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = MAX_KEY_LENGTH))
                    @HeaderParam(IDEMPOTENCY_KEY)
                    String idempotencyKey,
            String text)
            throws JsonProcessingException {
        // the raw header: an empty value is refused, not taken for an absent header
        String key = idempotencyKey(headers.getRequestHeader(IDEMPOTENCY_KEY));
        // the body is read here: apps that send none (or no Content-Type, or a form's) go on as before
        CardReplacementRequest body =
                text == null || text.isBlank() ? null : json.readValue(text, CardReplacementRequest.class);
        if (body != null) {
            var violations = validator.validate(body);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
        }
        return membership
                .replaceCard(caller.subject(), key, body == null ? null : body.cardNumber())
                .map(r -> {
                    var answer = RestResponse.ResponseBuilder.ok(CardView.of(r.card()));
                    return (r.replayed() ? answer.header(REPLAYED, "true") : answer).build();
                });
    }

    /** The header's value: null when absent; one value of 1 to 200 visible ASCII characters, or 400. */
    static String idempotencyKey(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        String header = values.size() == 1 ? values.get(0) : "";
        if (header == null
                || header.isEmpty()
                || header.length() > MAX_KEY_LENGTH
                || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ProblemException.invalidField(
                    IDEMPOTENCY_KEY, "1 to " + MAX_KEY_LENGTH + " visible ASCII characters");
        }
        return header;
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
