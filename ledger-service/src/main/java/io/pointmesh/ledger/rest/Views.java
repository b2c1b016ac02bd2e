package io.pointmesh.ledger.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.repository.OperationRepository.ReversalRow;
import io.pointmesh.ledger.repository.RewardRepository.OrderRow;
import io.pointmesh.ledger.repository.RewardRepository.RewardRow;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** The JSON the ledger answers with (field names are a public contract: see docs/ledger.md). */
public final class Views {

    /** Set on an answer that replays a stored result instead of doing the work again. */
    public static final String REPLAYED = "Idempotent-Replayed";

    private Views() {}

    @RegisterForReflection
    public record Breakdown(
            long basePoints, List<Bonus> campaignBonuses, BigDecimal gradeMultiplier, long gradeBonus) {}

    @RegisterForReflection
    public record EarningView(
            String earningId,
            String partnerTxId,
            String memberId,
            String storeCode,
            BigDecimal amount,
            String currency,
            Instant occurredAt,
            long points,
            Breakdown breakdown,
            Instant availableAt,
            Instant expiresAt,
            BigDecimal refundedAmount,
            long reversedPoints) {
        static EarningView of(EarningRow e) {
            return new EarningView(
                    e.id().toString(),
                    e.partnerTxId(),
                    e.memberId(),
                    e.storeCode(),
                    e.amount(),
                    e.currency(),
                    e.occurredAt(),
                    e.points(),
                    new Breakdown(e.basePoints(), e.bonuses(), e.gradeMultiplier(), e.gradeBonus()),
                    e.availableAt(),
                    e.expiresAt(),
                    e.refundedAmount(),
                    e.reversedPoints());
        }
    }

    /**
     * One purchase of a batch: {@code status} is what a lone earn request would have answered (201
     * earned, 200 a retry of a stored earning, 4xx refused), with the earning or the problem.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EarnBatchItemView(
            int index, String partnerTxId, int status, String outcome, EarningView earning, Problem problem) {}

    /** A batch's answer: counts, then one result per purchase in the order sent. */
    @RegisterForReflection
    public record EarnBatchView(int items, int earned, int replayed, int rejected, List<EarnBatchItemView> results) {}

    @RegisterForReflection
    public record ReversalView(
            String reversalId,
            String earningId,
            String partnerTxId,
            BigDecimal amount,
            long points,
            long debtIncurred,
            Instant postedAt) {
        static ReversalView of(ReversalRow r) {
            return new ReversalView(
                    r.id().toString(),
                    r.earningId().toString(),
                    r.partnerTxId(),
                    r.refundAmount(),
                    r.points(),
                    r.debtIncurred(),
                    r.postedAt());
        }
    }

    @RegisterForReflection
    public record RedemptionView(
            String redemptionId,
            String partnerTxId,
            String memberId,
            String storeCode,
            long points,
            long capturedPoints,
            String status,
            Instant expiresAt,
            Instant updatedAt) {
        static RedemptionView of(RedemptionRow r) {
            return new RedemptionView(
                    r.id().toString(),
                    r.partnerTxId(),
                    r.memberId(),
                    r.storeCode(),
                    r.points(),
                    r.captured(),
                    r.status().name(),
                    r.expiresAt(),
                    r.updatedAt());
        }
    }

    @RegisterForReflection
    public record GiftView(String giftId, String recipientCardNumber, long points, Instant postedAt) {}

    @RegisterForReflection
    public record ConversionView(
            String conversionId, String mileagePartnerId, long points, long miles, Instant postedAt) {
        static ConversionView of(MemberOperationRow o) {
            return new ConversionView(
                    o.id().toString(), o.counterparty(), o.points(), o.miles() == null ? 0 : o.miles(), o.postedAt());
        }
    }

    @RegisterForReflection
    public record AdjustmentView(
            String adjustmentId, String memberId, long points, String reason, String actor, Instant postedAt) {
        static AdjustmentView of(MemberOperationRow o) {
            return new AdjustmentView(o.id().toString(), o.memberId(), o.points(), o.reason(), o.actor(), o.postedAt());
        }
    }

    /** 201 with a Location for a new resource; 200 and the replay header for a retry. */
    /** A reward of the catalogue; {@code affordable} only in a member's list (null elsewhere). */
    @RegisterForReflection
    public record RewardView(
            String rewardId,
            String partnerId,
            String title,
            String description,
            String imageUrl,
            long pricePoints,
            Long stockLeft,
            boolean unlimited,
            Integer perMemberLimit,
            Instant availableFrom,
            Instant availableUntil,
            String fulfilment,
            List<String> grades,
            List<String> segments,
            Boolean affordable,
            Instant createdAt,
            Instant updatedAt,
            Instant withdrawnAt) {
        static RewardView of(RewardRow r, Boolean affordable) {
            return new RewardView(
                    r.id().toString(),
                    r.partnerId(),
                    r.title(),
                    r.description(),
                    r.imageUrl(),
                    r.pricePoints(),
                    r.stockLeft(),
                    r.stockLeft() == null,
                    r.perMemberLimit(),
                    r.availableFrom(),
                    r.availableUntil(),
                    r.fulfilment(),
                    r.grades(),
                    r.segments(),
                    affordable,
                    r.createdAt(),
                    r.updatedAt(),
                    r.withdrawnAt());
        }
    }

    /** A list of rewards; {@code available}: a member's available points (null in a partner's or an operator's list). */
    @RegisterForReflection
    public record RewardListView(Long available, List<RewardView> rewards) {}

    /**
     * A reward order. {@code couponCode} is filled only in the member's own answers (the member's
     * orders, the order they placed); partners and operators see orders without it.
     */
    @RegisterForReflection
    public record RewardOrderView(
            String orderId,
            String rewardId,
            String rewardTitle,
            String fulfilment,
            String partnerId,
            String memberId,
            long points,
            String status,
            String couponCode,
            String shippingAddress,
            String reason,
            Instant createdAt,
            Instant updatedAt) {
        static RewardOrderView forMember(OrderRow o) {
            return of(o, o.code());
        }

        static RewardOrderView forPartner(OrderRow o) {
            return of(o, null);
        }

        private static RewardOrderView of(OrderRow o, String code) {
            return new RewardOrderView(
                    o.id().toString(),
                    o.rewardId().toString(),
                    o.rewardTitle(),
                    o.fulfilment(),
                    o.partnerId(),
                    o.memberId(),
                    o.points(),
                    o.status(),
                    code,
                    o.shippingAddress(),
                    o.reason(),
                    o.createdAt(),
                    o.updatedAt());
        }
    }

    @RegisterForReflection
    /** A page of orders, newest first; {@code nextCursor}: pass it as {@code cursor} for the next page (null: the last). */
    public record RewardOrderListView(List<RewardOrderView> orders, String nextCursor) {}

    static <T> Response created(Outcome<?> outcome, T body, URI location) {
        return outcome.replayed()
                ? Response.ok(body).header(REPLAYED, "true").build()
                : Response.created(location).entity(body).build();
    }

    static <T> Response ok(Outcome<?> outcome, T body) {
        Response.ResponseBuilder r = Response.ok(body);
        return outcome.replayed() ? r.header(REPLAYED, "true").build() : r.build();
    }
}
