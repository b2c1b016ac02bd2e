package io.pointmesh.ledger.rest;

import io.pointmesh.events.ledger.Bonus;
import io.pointmesh.ledger.repository.OperationRepository.EarningRow;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.repository.OperationRepository.ReversalRow;
import io.pointmesh.ledger.service.Ledger.Outcome;
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
