package io.pointmesh.partner.service;

import io.pointmesh.events.partner.SettlementClosed;
import io.pointmesh.partner.Settlement;
import io.pointmesh.partner.SettlementFact;
import io.pointmesh.partner.SettlementStatement;
import io.pointmesh.partner.config.SettlementConfig;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.partner.repository.SettlementRepository;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Settlement statements per partner, built from the ledger's events (see V5__settlement.sql for
 * the invariants S1-S4 and {@link Settlement} for the arithmetic).
 *
 * <p>Periods are whole days in the settlement zone: {@code periodStart} 00:00 up to the day after
 * {@code periodEnd}, 00:00. A statement takes every fact of the partner that no statement holds yet
 * and that was posted before its period's end, so a posting whose event arrives after its period
 * closed is settled in the next statement (counted in {@code lateFacts}), never lost or counted twice.
 */
@ApplicationScoped
public class SettlementService {

    private static final Logger LOG = Logger.getLogger(SettlementService.class);

    @Inject
    PartnerRepository partners;

    @Inject
    SettlementRepository settlements;

    @Inject
    Outbox outbox;

    @Inject
    WebhookService webhooks;

    @Inject
    Clock clock;

    @Inject
    SettlementConfig config;

    /** Records a fact inside the caller's transaction (the inbox's); a fact seen before changes nothing (S1). */
    public Uni<Void> record(SettlementFact f) {
        return settlements.insertFact(f).replaceWithVoid();
    }

    /** The terms in force now; a closed statement keeps the ones it was closed under. */
    public Settlement.Terms terms() {
        return new Settlement.Terms(config.pointValue(), config.networkFeeRate(), config.currency());
    }

    /** The statement the period would close as, now: nothing is stored. */
    @WithSession
    /**
     * The statement the period would close as now. {@code partnersView}: the partner's own, where its part of other
     * partners' bonuses counts up to the start of today only (docs/privacy.md: a co-funder learns totals for whole
     * days; polled through the day, the live figure moved with each of the other partner's co-funded sales).
     */
    public Uni<SettlementStatement> preview(String partnerId, LocalDate start, LocalDate end, boolean partnersView) {
        Period p = period(start, end);
        Instant coFundingUntil = partnersView
                ? LocalDate.now(clock.withZone(config.zone()))
                        .atStartOfDay(config.zone())
                        .toInstant()
                : null;
        return existing(partnerId)
                .chain(() -> settlements.unassignedTotals(partnerId, p.from, p.to, coFundingUntil))
                .map(t -> SettlementStatement.of(null, partnerId, start, end, p.from, p.to, t, terms(), null, null));
    }

    /**
     * Closes the partner's statement for the period: the period must have ended (plus the
     * configured grace for events in flight) and start after the partner's last closed statement.
     * One transaction assigns the facts, sums exactly those (S4), stores the statement and
     * publishes {@code partner.settlement-closed}.
     */
    public Uni<SettlementStatement> close(String partnerId, LocalDate start, LocalDate end, String actor) {
        Period p = period(start, end);
        return Panache.withTransaction(() -> close(partnerId, start, end, p, actor));
    }

    private Uni<SettlementStatement> close(String partnerId, LocalDate start, LocalDate end, Period p, String actor) {
        Instant now = clock.instant();
        if (p.to.plus(config.closeAfter()).isAfter(now)) {
            return Uni.createFrom()
                    .failure(ProblemException.conflict(
                            "period-not-ended",
                            "the period ends " + p.to + "; it can be closed from " + p.to.plus(config.closeAfter())));
        }
        UUID id = UUID.randomUUID();
        Settlement.Terms terms = terms();
        // The partner row lock serializes closings of one partner (the job and an operator at once).
        return settlements
                .lockPartner(partnerId)
                .chain(found -> {
                    if (!found) {
                        return Uni.createFrom().failure(ProblemException.notFound("partner", partnerId));
                    }
                    return settlements.lastClosedEnd(partnerId);
                })
                .chain(lastEnd -> {
                    if (lastEnd != null && !start.isAfter(lastEnd)) {
                        return Uni.createFrom()
                                .failure(ProblemException.conflict(
                                        "period-overlaps",
                                        "the partner's statements are closed up to " + lastEnd
                                                + "; a new period starts after it"));
                    }
                    return settlements.assignFacts(id, partnerId, p.to);
                })
                .chain(() -> settlements.statementTotals(id, p.from))
                .map(t -> SettlementStatement.of(
                        id.toString(), partnerId, start, end, p.from, p.to, t, terms, now, actor))
                .call(settlements::insertStatement)
                .call(st -> outbox.publish(new SettlementClosed(
                                st.statementId(),
                                partnerId,
                                start,
                                end,
                                st.pointsIssued(),
                                st.pointsIssuedReversed(),
                                st.pointsRedeemed(),
                                st.pointsRedeemedReversed(),
                                st.networkFee(),
                                st.netAmount(),
                                st.currency()))
                        .chain(webhooks::enqueue));
    }

    /**
     * Closes the month for every partner that has been activated and existed in it, each in its own transaction:
     * from the later of the month's first day and the day after the partner's last statement. A
     * partner already closed past the month is skipped; so is one whose closing fails (logged).
     */
    public Uni<List<SettlementStatement>> closeMonth(YearMonth month, String actor) {
        LocalDate first = month.atDay(1);
        LocalDate last = month.atEndOfMonth();
        Period whole = period(first, last);
        if (whole.to.plus(config.closeAfter()).isAfter(clock.instant())) {
            return Uni.createFrom()
                    .failure(ProblemException.conflict(
                            "period-not-ended",
                            month + " has not ended (plus the grace of " + config.closeAfter() + ")"));
        }
        return Panache.withSession(() -> settlements.activatedPartnersCreatedBefore(whole.to))
                .onItem()
                .transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem()
                .transformToUniAndConcatenate(r -> {
                    String partnerId = r.partnerId();
                    LocalDate lastEnd = r.lastPeriodEnd();
                    if (lastEnd != null && !lastEnd.isBefore(last)) {
                        return Uni.createFrom().<SettlementStatement>nullItem();
                    }
                    LocalDate start = lastEnd == null || lastEnd.isBefore(first) ? first : lastEnd.plusDays(1);
                    return close(partnerId, start, last, actor).onFailure().recoverWithItem(e -> {
                        LOG.warnf("settlement of %s for %s not closed: %s", partnerId, month, e.getMessage());
                        return null;
                    });
                })
                .collect()
                .asList();
    }

    @WithSession
    public Uni<List<SettlementStatement>> statements(String partnerId) {
        return existing(partnerId).chain(() -> settlements.statements(partnerId));
    }

    @WithSession
    public Uni<SettlementStatement> statement(String partnerId, String statementId) {
        UUID id;
        try {
            id = UUID.fromString(statementId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(ProblemException.notFound("statement", statementId));
        }
        return settlements
                .statement(partnerId, id)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("statement", statementId));
    }

    private Uni<Void> existing(String partnerId) {
        return partners.findById(partnerId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", partnerId))
                .replaceWithVoid();
    }

    private record Period(Instant from, Instant to) {}

    private Period period(LocalDate start, LocalDate end) {
        if (start == null || end == null) {
            throw ProblemException.invalidField(
                    "periodStart", "periodStart and periodEnd are required (ISO dates, periodEnd inclusive)");
        }
        if (end.isBefore(start)) {
            throw ProblemException.invalidField("periodEnd", "on or after periodStart");
        }
        if (start.plusYears(1).isBefore(end)) {
            throw ProblemException.invalidField("periodEnd", "a statement covers at most a year");
        }
        return new Period(
                start.atStartOfDay(config.zone()).toInstant(),
                end.plusDays(1).atStartOfDay(config.zone()).toInstant());
    }
}
