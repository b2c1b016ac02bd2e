package io.pointmesh.partner.rest;

import io.pointmesh.events.partner.StoreChannel;
import io.pointmesh.partner.EarnRule;
import io.pointmesh.partner.Store;
import io.pointmesh.partner.service.StoreAndRuleService;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/partners/v1/partners/{partnerId}")
@Tag(name = "stores and earn rules", description = "A partner's stores and its effective-dated earn rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class StoreAndRuleResource {

    public record StoreRequest(
            @NotBlank
            @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9-]{0,31}", message = "letters, digits and dashes, at most 32")
            String code,

            @NotBlank @Size(max = 100) String name,
            @NotNull StoreChannel channel,
            @Size(max = 60) String region) {}

    public record EarnRuleRequest(
            @NotNull BigDecimal baseRate,
            Map<String, BigDecimal> storeRates,
            Map<String, BigDecimal> categoryRates,
            @DecimalMin("0") BigDecimal minimumPurchase,
            @Min(1) Long perTransactionCap,
            @Min(0) @Max(90) Integer pendingDays,
            @Min(1) @Max(120) Integer validityMonths,
            @Min(0) @Max(90) Integer backdatingDays,
            Instant effectiveFrom) {}

    @Inject
    Caller caller;

    @Inject
    StoreAndRuleService service;

    @POST
    @Path("/stores")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "Open a store (code unique within the partner): the partner itself or an operator")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = StoreRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.STORE_REQUEST)))
    @APIResponse(
            responseCode = "201",
            description = "Opened (Location: the store)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Store.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.STORE)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "403 other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found; 409 duplicate-store partner-offboarded")
    public Uni<RestResponse<Store>> openStore(
            @PathParam("partnerId") String partnerId, @Valid @NotNull StoreRequest body) {
        caller.requirePartnerOrOperator(partnerId);
        return service.openStore(partnerId, body.code(), body.name().strip(), body.channel(), body.region())
                .map(s -> RestResponse.ResponseBuilder.<Store>created(
                                URI.create("/partners/v1/partners/" + partnerId + "/stores/" + s.code()))
                        .entity(s)
                        .build());
    }

    @POST
    @Path("/stores/{code}/closure")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Close a store (it stays on record); closing a closed store changes nothing")
    @APIResponse(
            responseCode = "200",
            description = "Closed (closedAt: when it first closed)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Store.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.STORE_CLOSED)))
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner read-only-credentials partner-not-active no-partner-id; 404 not-found")
    public Uni<Store> closeStore(@PathParam("partnerId") String partnerId, @PathParam("code") String code) {
        caller.requirePartnerOrOperator(partnerId);
        return service.closeStore(partnerId, code);
    }

    @GET
    @Path("/stores")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(summary = "The partner's stores, open and closed")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "403 other-partner partner-not-active no-partner-id; 404 not-found")
    public Uni<List<Store>> stores(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return service.stores(partnerId);
    }

    @PUT
    @Path("/earn-rules")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(
            summary = "Publish a new earn rule version (operator, under the partner's contract): baseRate 0.001-0.1, "
                    + "pendingDays, validityMonths, effectiveFrom (default now, never in the past)")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EarnRuleRequest.class),
                            examples = @ExampleObject(name = "request", value = ApiExamples.EARN_RULE_REQUEST)))
    @APIResponse(
            responseCode = "200",
            description = "The new version, published to the ledger",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EarnRule.class),
                            examples = @ExampleObject(name = "answer", value = ApiExamples.EARN_RULE)))
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found; 409 rule-out-of-order partner-offboarded")
    public Uni<EarnRule> publishRule(@PathParam("partnerId") String partnerId, @Valid @NotNull EarnRuleRequest body) {
        EarnRule rule = new EarnRule(
                0,
                body.baseRate(),
                body.storeRates(),
                body.categoryRates(),
                body.minimumPurchase(),
                body.perTransactionCap(),
                body.pendingDays() == null ? 0 : body.pendingDays(),
                body.validityMonths() == null ? 60 : body.validityMonths(),
                body.backdatingDays() == null ? 30 : body.backdatingDays(),
                body.effectiveFrom(),
                null,
                null);
        return service.publishRule(partnerId, rule, caller.actor());
    }

    @GET
    @Path("/earn-rules")
    @RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
    @Operation(
            summary = "Every earn rule version of the partner, oldest first; publishedBy is the operator's user name "
                    + "to operators, \"operator\" to the partner")
    @Extension(name = ProblemResponses.EXTENSION, value = "403 other-partner partner-not-active no-partner-id")
    public Uni<List<EarnRule>> rules(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        // only operators publish rules: the partner (integration client, staff) sees that an operator did, not which
        return service.rules(partnerId)
                .map(list -> list.stream()
                        .map(r -> r.withPublishedBy(OperatorNames.seenBy(caller, r.publishedBy())))
                        .toList());
    }
}
