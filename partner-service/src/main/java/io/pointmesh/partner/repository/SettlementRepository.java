package io.pointmesh.partner.repository;

import static io.pointmesh.platform.sql.NativeValues.date;
import static io.pointmesh.platform.sql.NativeValues.instant;
import static io.pointmesh.platform.sql.NativeValues.number;
import static io.pointmesh.platform.sql.NativeValues.offset;

import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.Settlement;
import io.pointmesh.partner.SettlementFact;
import io.pointmesh.partner.SettlementStatement;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of settlement: the ledger's facts, the statements closed from them, and the partner row
 * lock that serializes one partner's closings. Every method runs in the caller's session (and
 * transaction, where it writes); the service decides where transactions begin and end.
 */
@ApplicationScoped
public class SettlementRepository {

    /** A partner that may have a month to close, and the end of its last closed statement (null: none yet). */
    public record ClosedUpTo(String partnerId, LocalDate lastPeriodEnd) {}

    /** The totals of the facts a query selects; {@code :periodFrom} tells late facts from the period's own. */
    private static final String TOTALS =
            "SELECT coalesce(sum(points_issued), 0), coalesce(sum(points_issued_reversed), 0), "
                    + "coalesce(sum(network_funded), 0), coalesce(sum(network_funded_reversed), 0), coalesce(sum(points_redeemed), 0), "
                    + "coalesce(sum(points_redeemed_reversed), 0), coalesce(sum(points_converted), 0), count(*), "
                    + "count(*) FILTER (WHERE posted_at < :periodFrom), coalesce(sum(points_redeemed_rewards), 0), "
                    + "coalesce(sum(points_redeemed_rewards_reversed), 0), coalesce(sum(points_co_funded_for_partners), 0), "
                    + "coalesce(sum(points_co_funded_by_partners), 0) FROM settlement_fact ";

    private static final String STATEMENT_COLUMNS =
            "id, partner_id, period_start, period_end, period_from, period_to, points_issued, "
                    + "points_issued_reversed, network_funded, network_funded_reversed, points_redeemed, points_redeemed_reversed, "
                    + "points_converted, facts, late_facts, point_value, network_fee_rate, currency, closed_at, closed_by, "
                    + "points_redeemed_rewards, points_redeemed_rewards_reversed, points_co_funded_for_partners, "
                    + "points_co_funded_by_partners";

    /** Records a fact; one seen before (the same key) changes nothing. Answers the rows inserted (0 or 1). */
    public Uni<Integer> insertFact(SettlementFact f) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "INSERT INTO settlement_fact (fact_key, partner_id, posted_at, "
                                        + "points_issued, points_issued_reversed, network_funded, network_funded_reversed, points_redeemed, "
                                        + "points_redeemed_reversed, points_converted, points_redeemed_rewards, points_redeemed_rewards_reversed, "
                                        + "points_co_funded_for_partners, points_co_funded_by_partners) "
                                        + "VALUES (:key, :partnerId, :postedAt, :pointsIssued, "
                                        + ":pointsIssuedReversed, :networkFunded, :networkFundedReversed, :pointsRedeemed, :pointsRedeemedReversed, "
                                        + ":pointsConverted, :rewards, :rewardsReversed, :coFundedFor, :coFundedBy) ON CONFLICT (fact_key) DO NOTHING")
                        .setParameter("key", f.key())
                        .setParameter("partnerId", f.partnerId())
                        .setParameter("postedAt", offset(f.postedAt()))
                        .setParameter("pointsIssued", f.pointsIssued())
                        .setParameter("pointsIssuedReversed", f.pointsIssuedReversed())
                        .setParameter("networkFunded", f.networkFunded())
                        .setParameter("networkFundedReversed", f.networkFundedReversed())
                        .setParameter("pointsRedeemed", f.pointsRedeemed())
                        .setParameter("pointsRedeemedReversed", f.pointsRedeemedReversed())
                        .setParameter("pointsConverted", f.pointsConverted())
                        .setParameter("rewards", f.pointsRedeemedRewards())
                        .setParameter("rewardsReversed", f.pointsRedeemedRewardsReversed())
                        .setParameter("coFundedFor", f.pointsCoFundedForPartners())
                        .setParameter("coFundedBy", f.pointsCoFundedByPartners())
                        .executeUpdate());
    }

    /**
     * The totals of the partner's facts no statement holds yet, posted before {@code periodTo}; its part of other
     * partners' bonuses (and of their refunds: the facts with points co-funded for partners) only when posted before
     * {@code coFundingUntil} (a partner's own preview: whole past days; null: all, as an operator sees it).
     */
    public Uni<Settlement.Totals> unassignedTotals(
            String partnerId, Instant periodFrom, Instant periodTo, Instant coFundingUntil) {
        Instant until = coFundingUntil == null ? periodTo : coFundingUntil;
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                TOTALS
                                        + "WHERE partner_id = :partnerId AND statement_id IS NULL AND posted_at < :periodTo "
                                        + "AND (points_co_funded_for_partners = 0 OR posted_at < :coFundingUntil)",
                                Object[].class)
                        .setParameter("periodFrom", offset(periodFrom))
                        .setParameter("partnerId", partnerId)
                        .setParameter("periodTo", offset(periodTo))
                        .setParameter("coFundingUntil", offset(until))
                        .getSingleResult())
                .map(r -> totals(r, 0, 9));
    }

    /** The totals of the facts assigned to the statement. */
    public Uni<Settlement.Totals> statementTotals(UUID statementId, Instant periodFrom) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(TOTALS + "WHERE statement_id = :statementId", Object[].class)
                        .setParameter("periodFrom", offset(periodFrom))
                        .setParameter("statementId", statementId)
                        .getSingleResult())
                .map(r -> totals(r, 0, 9));
    }

    /**
     * Locks the partner's row until the transaction ends (closings of one partner then run one
     * after another). Answers false when there is no such partner.
     */
    public Uni<Boolean> lockPartner(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT status FROM partner WHERE id = :partnerId FOR UPDATE", String.class)
                        .setParameter("partnerId", partnerId)
                        .getResultList())
                .map(rows -> !rows.isEmpty());
    }

    /** The last day of the partner's latest closed statement, or null when none is closed. */
    public Uni<LocalDate> lastClosedEnd(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT max(period_end) FROM settlement_statement WHERE partner_id = :partnerId",
                                Object.class)
                        .setParameter("partnerId", partnerId)
                        .getSingleResult())
                .map(d -> date(d));
    }

    /** Assigns to the statement every fact of the partner that no statement holds yet and was posted before {@code periodTo}. */
    public Uni<Integer> assignFacts(UUID statementId, String partnerId, Instant periodTo) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("UPDATE settlement_fact SET statement_id = :statementId "
                                + "WHERE partner_id = :partnerId AND statement_id IS NULL AND posted_at < :periodTo")
                        .setParameter("statementId", statementId)
                        .setParameter("partnerId", partnerId)
                        .setParameter("periodTo", offset(periodTo))
                        .executeUpdate());
    }

    /** Stores a closed statement (its figures, its terms and its amounts). */
    public Uni<Integer> insertStatement(SettlementStatement st) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO settlement_statement (" + STATEMENT_COLUMNS
                                + ", issued_amount, network_fee, reimbursed_amount, net_amount) VALUES (:id, :partnerId, :periodStart, "
                                + ":periodEnd, :periodFrom, :periodTo, :pointsIssued, :pointsIssuedReversed, :networkFunded, "
                                + ":networkFundedReversed, :pointsRedeemed, :pointsRedeemedReversed, :pointsConverted, :facts, :lateFacts, "
                                + ":pointValue, :networkFeeRate, :currency, :closedAt, :closedBy, :rewards, :rewardsReversed, "
                                + ":coFundedFor, :coFundedBy, "
                                + ":issuedAmount, :networkFee, :reimbursedAmount, :netAmount)")
                        .setParameter("id", UUID.fromString(st.statementId()))
                        .setParameter("partnerId", st.partnerId())
                        .setParameter("periodStart", st.periodStart())
                        .setParameter("periodEnd", st.periodEnd())
                        .setParameter("periodFrom", offset(st.periodFrom()))
                        .setParameter("periodTo", offset(st.periodTo()))
                        .setParameter("pointsIssued", st.pointsIssued())
                        .setParameter("pointsIssuedReversed", st.pointsIssuedReversed())
                        .setParameter("networkFunded", st.networkFundedPoints())
                        .setParameter("networkFundedReversed", st.networkFundedReversed())
                        .setParameter("pointsRedeemed", st.pointsRedeemed())
                        .setParameter("pointsRedeemedReversed", st.pointsRedeemedReversed())
                        .setParameter("pointsConverted", st.pointsConverted())
                        .setParameter("facts", st.facts())
                        .setParameter("lateFacts", st.lateFacts())
                        .setParameter("pointValue", st.pointValue())
                        .setParameter("networkFeeRate", st.networkFeeRate())
                        .setParameter("currency", st.currency())
                        .setParameter("closedAt", offset(st.closedAt()))
                        .setParameter("closedBy", st.closedBy())
                        .setParameter("rewards", st.pointsRedeemedRewards())
                        .setParameter("rewardsReversed", st.pointsRedeemedRewardsReversed())
                        .setParameter("coFundedFor", st.pointsCoFundedForPartners())
                        .setParameter("coFundedBy", st.pointsCoFundedByPartners())
                        .setParameter("issuedAmount", st.issuedAmount())
                        .setParameter("networkFee", st.networkFee())
                        .setParameter("reimbursedAmount", st.reimbursedAmount())
                        .setParameter("netAmount", st.netAmount())
                        .executeUpdate());
    }

    /**
     * Every partner that has been activated (any status but PENDING) and was created before
     * {@code createdBefore}, with the end of its last closed statement; ordered by partner id.
     */
    public Uni<List<ClosedUpTo>> activatedPartnersCreatedBefore(Instant createdBefore) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT p.id, (SELECT max(period_end) FROM settlement_statement t "
                                        + "WHERE t.partner_id = p.id) FROM partner p WHERE p.status <> :pending "
                                        + "AND p.created_at < :createdBefore ORDER BY p.id",
                                Object[].class)
                        .setParameter("pending", PartnerStatus.PENDING.name())
                        .setParameter("createdBefore", offset(createdBefore))
                        .getResultList())
                .map(rows -> rows.stream()
                        .map(r -> new ClosedUpTo((String) r[0], date(r[1])))
                        .toList());
    }

    /** The partner's closed statements, oldest period first. */
    public Uni<List<SettlementStatement>> statements(String partnerId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + STATEMENT_COLUMNS
                                        + " FROM settlement_statement WHERE partner_id = :partnerId ORDER BY period_start",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .getResultList())
                .map(rows -> rows.stream().map(SettlementRepository::statement).toList());
    }

    /** One closed statement of the partner, or null. */
    public Uni<SettlementStatement> statement(String partnerId, UUID statementId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "SELECT " + STATEMENT_COLUMNS
                                        + " FROM settlement_statement WHERE partner_id = :partnerId AND id = :statementId",
                                Object[].class)
                        .setParameter("partnerId", partnerId)
                        .setParameter("statementId", statementId)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? null : statement(rows.get(0)));
    }

    /** {@code offset}: where the first nine figures start; {@code rewards}: where the two reward figures are, the two co-funding figures after them. */
    private static Settlement.Totals totals(Object[] r, int offset, int rewards) {
        return new Settlement.Totals(
                number(r[offset]),
                number(r[offset + 1]),
                number(r[offset + 2]),
                number(r[offset + 3]),
                number(r[offset + 4]),
                number(r[offset + 5]),
                number(r[offset + 6]),
                number(r[offset + 7]),
                number(r[offset + 8]),
                number(r[rewards]),
                number(r[rewards + 1]),
                number(r[rewards + 2]),
                number(r[rewards + 3]));
    }

    private static SettlementStatement statement(Object[] r) {
        Settlement.Terms terms = new Settlement.Terms((BigDecimal) r[15], (BigDecimal) r[16], (String) r[17]);
        return SettlementStatement.of(
                r[0].toString(),
                (String) r[1],
                date(r[2]),
                date(r[3]),
                instant(r[4]),
                instant(r[5]),
                totals(r, 6, 20),
                terms,
                instant(r[18]),
                (String) r[19]);
    }
}
