package io.pointmesh.partner.service;

import io.pointmesh.events.partner.SettlementClosed;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.Settlement;
import io.pointmesh.partner.SettlementStatement;
import io.pointmesh.partner.config.SettlementConfig;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.pointmesh.platform.sql.NativeValues.date;
import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.number;
import static io.pointmesh.platform.sql.NativeValues.offset;

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

    /** One ledger posting as settlement counts it; {@code key} is the ledger's own operation id. */
    public record Fact(String key, String partnerId, Instant postedAt, long pointsIssued, long pointsIssuedReversed,
                       long networkFunded, long networkFundedReversed, long pointsRedeemed, long pointsRedeemedReversed,
                       long pointsConverted) {
    }

    private static final String SUMS = "coalesce(sum(points_issued), 0), coalesce(sum(points_issued_reversed), 0), "
            + "coalesce(sum(network_funded), 0), coalesce(sum(network_funded_reversed), 0), coalesce(sum(points_redeemed), 0), "
            + "coalesce(sum(points_redeemed_reversed), 0), coalesce(sum(points_converted), 0), count(*), "
            + "count(*) FILTER (WHERE posted_at < ?1) ";

    private static final String STATEMENT_COLUMNS = "id, partner_id, period_start, period_end, period_from, period_to, points_issued, "
            + "points_issued_reversed, network_funded, network_funded_reversed, points_redeemed, points_redeemed_reversed, "
            + "points_converted, facts, late_facts, point_value, network_fee_rate, currency, closed_at, closed_by";

    @Inject
    PartnerRepository partners;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    SettlementConfig config;

    /** Records a fact inside the caller's transaction (the inbox's); a fact seen before changes nothing (S1). */
    public Uni<Void> record(Fact f) {
        return Panache.getSession().chain(s -> s.createNativeQuery("INSERT INTO settlement_fact (fact_key, partner_id, posted_at, "
                                + "points_issued, points_issued_reversed, network_funded, network_funded_reversed, points_redeemed, "
                                + "points_redeemed_reversed, points_converted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                                + "ON CONFLICT (fact_key) DO NOTHING")
                        .setParameter(1, f.key()).setParameter(2, f.partnerId()).setParameter(3, offset(f.postedAt()))
                        .setParameter(4, f.pointsIssued()).setParameter(5, f.pointsIssuedReversed()).setParameter(6, f.networkFunded())
                        .setParameter(7, f.networkFundedReversed()).setParameter(8, f.pointsRedeemed())
                        .setParameter(9, f.pointsRedeemedReversed()).setParameter(10, f.pointsConverted()).executeUpdate())
                .replaceWithVoid();
    }

    /** The terms in force now; a closed statement keeps the ones it was closed under. */
    public Settlement.Terms terms() {
        return new Settlement.Terms(config.pointValue(), config.networkFeeRate(), config.currency());
    }

    /** The statement the period would close as, now: nothing is stored. */
    @WithSession
    public Uni<SettlementStatement> preview(String partnerId, LocalDate start, LocalDate end) {
        Period p = period(start, end);
        return existing(partnerId).chain(() -> Panache.getSession().chain(s -> s.createNativeQuery("SELECT " + SUMS
                                + "FROM settlement_fact WHERE partner_id = ?2 AND statement_id IS NULL AND posted_at < ?3", Object[].class)
                        .setParameter(1, offset(p.from)).setParameter(2, partnerId).setParameter(3, offset(p.to)).getSingleResult()))
                .map(r -> SettlementStatement.of(null, partnerId, start, end, p.from, p.to, totals(r, 0), terms(), null, null));
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
            return Uni.createFrom().failure(ProblemException.conflict("period-not-ended", "the period ends " + p.to
                    + "; it can be closed from " + p.to.plus(config.closeAfter())));
        }
        UUID id = UUID.randomUUID();
        Settlement.Terms terms = terms();
        // The partner row lock serializes closings of one partner (the job and an operator at once).
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT status FROM partner WHERE id = ?1 FOR UPDATE", String.class)
                        .setParameter(1, partnerId).getResultList())
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().failure(ProblemException.notFound("partner", partnerId));
                    }
                    return lastClosedEnd(partnerId);
                })
                .chain(lastEnd -> {
                    if (lastEnd != null && !start.isAfter(lastEnd)) {
                        return Uni.createFrom().failure(ProblemException.conflict("period-overlaps",
                                "the partner's statements are closed up to " + lastEnd + "; a new period starts after it"));
                    }
                    return Panache.getSession().chain(s -> s.createNativeQuery("UPDATE settlement_fact SET statement_id = ?1 "
                                    + "WHERE partner_id = ?2 AND statement_id IS NULL AND posted_at < ?3")
                            .setParameter(1, id).setParameter(2, partnerId).setParameter(3, offset(p.to)).executeUpdate());
                })
                .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery("SELECT " + SUMS
                                + "FROM settlement_fact WHERE statement_id = ?2", Object[].class)
                        .setParameter(1, offset(p.from)).setParameter(2, id).getSingleResult()))
                .map(r -> SettlementStatement.of(id.toString(), partnerId, start, end, p.from, p.to, totals(r, 0), terms, now, actor))
                .call(st -> Panache.getSession().chain(s -> s.createNativeQuery("INSERT INTO settlement_statement (" + STATEMENT_COLUMNS
                                + ", issued_amount, network_fee, reimbursed_amount, net_amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                + "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)")
                        .setParameter(1, id).setParameter(2, partnerId).setParameter(3, start).setParameter(4, end)
                        .setParameter(5, offset(p.from)).setParameter(6, offset(p.to)).setParameter(7, st.pointsIssued())
                        .setParameter(8, st.pointsIssuedReversed()).setParameter(9, st.networkFundedPoints())
                        .setParameter(10, st.networkFundedReversed()).setParameter(11, st.pointsRedeemed())
                        .setParameter(12, st.pointsRedeemedReversed()).setParameter(13, st.pointsConverted()).setParameter(14, st.facts())
                        .setParameter(15, st.lateFacts()).setParameter(16, st.pointValue()).setParameter(17, st.networkFeeRate())
                        .setParameter(18, st.currency()).setParameter(19, offset(now)).setParameter(20, actor)
                        .setParameter(21, st.issuedAmount()).setParameter(22, st.networkFee()).setParameter(23, st.reimbursedAmount())
                        .setParameter(24, st.netAmount()).executeUpdate()))
                .call(st -> outbox.publish(new SettlementClosed(st.statementId(), partnerId, start, end, st.pointsIssued(),
                        st.pointsIssuedReversed(), st.pointsRedeemed(), st.pointsRedeemedReversed(), st.networkFee(), st.netAmount(),
                        st.currency())));
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
            return Uni.createFrom().failure(ProblemException.conflict("period-not-ended", month + " has not ended (plus the grace of "
                    + config.closeAfter() + ")"));
        }
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT p.id, (SELECT max(period_end) FROM settlement_statement t WHERE t.partner_id = p.id) FROM partner p "
                                + "WHERE p.status <> ?1 AND p.created_at < ?2 ORDER BY p.id", Object[].class)
                .setParameter(1, PartnerStatus.PENDING.name()).setParameter(2, offset(whole.to)).getResultList()))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(r -> {
                    String partnerId = (String) r[0];
                    LocalDate lastEnd = date(r[1]);
                    if (lastEnd != null && !lastEnd.isBefore(last)) {
                        return Uni.createFrom().<SettlementStatement>nullItem();
                    }
                    LocalDate start = lastEnd == null || lastEnd.isBefore(first) ? first : lastEnd.plusDays(1);
                    return close(partnerId, start, last, actor).onFailure().recoverWithItem(e -> {
                        LOG.warnf("settlement of %s for %s not closed: %s", partnerId, month, e.getMessage());
                        return null;
                    });
                })
                .collect().asList();
    }

    @WithSession
    public Uni<List<SettlementStatement>> statements(String partnerId) {
        return existing(partnerId).chain(() -> Panache.getSession().chain(s -> s.createNativeQuery("SELECT " + STATEMENT_COLUMNS
                        + " FROM settlement_statement WHERE partner_id = ?1 ORDER BY period_start", Object[].class)
                .setParameter(1, partnerId).getResultList()))
                .map(rows -> rows.stream().map(SettlementService::statement).toList());
    }

    @WithSession
    public Uni<SettlementStatement> statement(String partnerId, String statementId) {
        UUID id;
        try {
            id = UUID.fromString(statementId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(ProblemException.notFound("statement", statementId));
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT " + STATEMENT_COLUMNS
                        + " FROM settlement_statement WHERE partner_id = ?1 AND id = ?2", Object[].class)
                .setParameter(1, partnerId).setParameter(2, id).getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw ProblemException.notFound("statement", statementId);
                    }
                    return statement(rows.get(0));
                });
    }

    private Uni<LocalDate> lastClosedEnd(String partnerId) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT max(period_end) FROM settlement_statement WHERE partner_id = ?1",
                        Object.class).setParameter(1, partnerId).getSingleResult())
                .map(d -> date(d));
    }

    private Uni<Void> existing(String partnerId) {
        return partners.findById(partnerId).onItem().ifNull().failWith(() -> ProblemException.notFound("partner", partnerId))
                .replaceWithVoid();
    }

    private record Period(Instant from, Instant to) {
    }

    private Period period(LocalDate start, LocalDate end) {
        if (start == null || end == null) {
            throw ProblemException.invalidField("periodStart", "periodStart and periodEnd are required (ISO dates, periodEnd inclusive)");
        }
        if (end.isBefore(start)) {
            throw ProblemException.invalidField("periodEnd", "on or after periodStart");
        }
        if (start.plusYears(1).isBefore(end)) {
            throw ProblemException.invalidField("periodEnd", "a statement covers at most a year");
        }
        return new Period(start.atStartOfDay(config.zone()).toInstant(), end.plusDays(1).atStartOfDay(config.zone()).toInstant());
    }

    private static Settlement.Totals totals(Object[] r, int offset) {
        return new Settlement.Totals(number(r[offset]), number(r[offset + 1]), number(r[offset + 2]), number(r[offset + 3]),
                number(r[offset + 4]), number(r[offset + 5]), number(r[offset + 6]), number(r[offset + 7]), number(r[offset + 8]));
    }

    private static SettlementStatement statement(Object[] r) {
        Settlement.Terms terms = new Settlement.Terms((BigDecimal) r[15], (BigDecimal) r[16], (String) r[17]);
        return SettlementStatement.of(r[0].toString(), (String) r[1], date(r[2]), date(r[3]), instant(r[4]), instant(r[5]),
                totals(r, 6), terms, instant(r[18]), (String) r[19]);
    }
}
