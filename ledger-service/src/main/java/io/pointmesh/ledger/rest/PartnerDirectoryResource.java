package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.repository.AccountQueryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.service.AccountQueryService;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.security.Caller;
import io.pointmesh.platform.security.Roles;
import io.pointmesh.platform.sql.Transactions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/ledger/v1/partners")
@Tag(name = "partners", description = "The ledger's view of partners, and their totals for settlement")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.OPERATOR, Roles.PARTNER})
public class PartnerDirectoryResource {

    /** The ledger's view of one partner: whether it may earn and redeem right now. */
    public record PartnerStatusView(String partnerId, String legalName, String status, Instant updatedAt) {}

    @Inject
    Caller caller;

    @Inject
    Transactions transactions;

    @Inject
    DirectoryRepository directory;

    @Inject
    AccountQueryService accounts;

    @GET
    @Path("/{partnerId}")
    @Operation(summary = "The ledger's view of a partner (from partner.events): an operator, or the partner itself")
    public PartnerStatusView get(@PathParam("partnerId") String partnerId) {
        caller.requirePartnerOrOperator(partnerId);
        return transactions
                .run(c -> directory.partner(c, partnerId))
                .map(p -> new PartnerStatusView(p.partnerId(), p.legalName(), p.status(), p.updatedAt()))
                .orElseThrow(() -> ProblemException.notFound("partner", partnerId));
    }

    @GET
    @Path("/{partnerId}/totals")
    @Operation(
            summary =
                    "Points issued, redeemed and reversed at the partner in [from, to): what settlement is built from")
    public AccountQueryRepository.PartnerTotals totals(
            @PathParam("partnerId") String partnerId, @QueryParam("from") String from, @QueryParam("to") String to) {
        caller.requirePartnerOrOperator(partnerId);
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (caller.isOperator()) {
            return accounts.totals(partnerId, start, end, null);
        }
        // whole days for partners: a co-funder's totals include its part of other partners' bonuses, and a window of
        // seconds would time each of them (docs/privacy.md); the ledger's (settlement's) days only (UTC days beside
        // them cut each day into 9 and 15 hours, by difference), and that part only up to the start of today: polled
        // through the day, it moved with each of the other partner's bonuses
        java.time.ZoneId zone = ledger.zone();
        wholeDay("from", start, zone);
        wholeDay("to", end, zone);
        Instant today = java.time.LocalDate.ofInstant(ledger.now(), zone)
                .atStartOfDay(zone)
                .toInstant();
        return accounts.totals(partnerId, start, end, today);
    }

    @Inject
    io.pointmesh.ledger.service.Ledger ledger;

    private static void wholeDay(String field, Instant at, java.time.ZoneId zone) {
        if (!at.atZone(zone).toLocalTime().equals(java.time.LocalTime.MIDNIGHT)) {
            throw ProblemException.invalidField(
                    field, "a partner's totals are for whole days: a midnight in " + zone + " (settlement's days)");
        }
    }

    private static Instant instant(String field, String value) {
        return io.pointmesh.platform.problem.TimeParams.instant(field, value);
    }
}
