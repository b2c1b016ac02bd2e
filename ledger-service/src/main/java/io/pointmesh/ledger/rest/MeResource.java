package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.service.MemberPointsService;
import io.pointmesh.ledger.service.StatementService;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/** The member of the token (their id is the token's subject) and their own account. */
@Path("/ledger/v1/me")
@Tag(name = "me", description = "The signed-in member's points")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.MEMBER)
public class MeResource {

    public record GiftRequest(String recipientCardNumber, Long points) {
    }

    public record ConversionRequest(String mileagePartnerId, Long points) {
    }

    @Inject
    Caller caller;

    @Inject
    StatementService statements;

    @Inject
    MemberPointsService points;

    @GET
    @Path("/balance")
    @Operation(summary = "Available, pending, held, debt, lifetime earned, spent, expired, and what expires in the next 30 days")
    public StatementService.Balance balance() {
        return statements.balance(caller.subject());
    }

    @GET
    @Path("/entries")
    @Operation(summary = "The account's entries, newest first, cursor-paged (pass nextCursor back as cursor)")
    public StatementService.EntryPage entries(@QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("50") int limit) {
        return statements.entries(caller.subject(), cursor, limit);
    }

    @POST
    @Path("/gifts")
    @Operation(summary = "Give points to another member's card (per-gift and per-day limits); send an Idempotency-Key to retry safely")
    public Response gift(GiftRequest body, @HeaderParam("Idempotency-Key") String key) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a gift request body is required");
        }
        var outcome = points.gift(caller.subject(), body.recipientCardNumber(), body.points(), key);
        var o = outcome.result();
        return Views.created(outcome, new Views.GiftView(o.id().toString(), body.recipientCardNumber(), o.points(), o.postedAt()),
                URI.create("/ledger/v1/me/gifts/" + o.id()));
    }

    @POST
    @Path("/conversions")
    @Operation(summary = "Convert points to a mileage partner's miles at its rate, minimum and step; send an Idempotency-Key to retry safely")
    public Response convert(ConversionRequest body, @HeaderParam("Idempotency-Key") String key) {
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "a conversion request body is required");
        }
        var outcome = points.convert(caller.subject(), body.mileagePartnerId(), body.points(), key);
        return Views.created(outcome, Views.ConversionView.of(outcome.result()),
                URI.create("/ledger/v1/me/conversions/" + outcome.result().id()));
    }
}
