package io.pointmesh.ledger.service;

import io.pointmesh.ledger.PointLimits;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/** Two-phase redemption for the POS: hold, then capture (all or part) or void; holds lapse by themselves. */
@ApplicationScoped
public class RedemptionService {

    /**
     * A hold request. The member's say-so is one of: {@code cardNumber} + {@code pin}, or
     * {@code paymentCode}; only an operator may name {@code memberId} (with {@code partnerId} and a
     * {@code reason}), for a support case.
     */
    public record HoldCommand(
            String partnerTxId,
            String cardNumber,
            String pin,
            String paymentCode,
            String memberId,
            String storeCode,
            Long points) {}

    @Inject
    Transactions transactions;

    @Inject
    Ledger ledger;

    @Inject
    ParticipantCheck participants;

    @Inject
    SpendingAuthorization authorization;

    /** A partner's hold: the card and the member's PIN, or the member's one-time payment code. */
    public Outcome<RedemptionRow> hold(String partnerId, HoldCommand cmd) {
        return hold(partnerId, cmd, () -> {});
    }

    /**
     * A till's hold: {@code proven} runs once the member's say-so held (by card, its PIN; by payment code, the code
     * found usable), before the hold is placed: uploads are paced from then on, never for a refused request.
     */
    public Outcome<RedemptionRow> hold(String partnerId, HoldCommand cmd, Runnable proven) {
        validate(cmd);
        boolean byCode = present(cmd.paymentCode());
        boolean byCard = present(cmd.cardNumber());
        if (present(cmd.memberId()) || byCode == byCard) {
            throw new ProblemException(
                    403,
                    "member-authorization-required",
                    "The member's say-so is required",
                    "points leave a member only with the member's say-so: give cardNumber with the member's pin, or the "
                            + "paymentCode from the member's app (memberId alone is for operators' support cases)",
                    null);
        }
        if (byCard && !present(cmd.pin())) {
            throw new ProblemException(
                    403,
                    "member-authorization-required",
                    "The member's say-so is required",
                    "a card number alone never spends: send the member's spending pin with it, or a paymentCode",
                    null);
        }
        if (byCode && present(cmd.pin())) {
            throw ProblemException.invalidField("pin", "not used with a paymentCode");
        }
        if (byCard) {
            SpendingAuthorization.requirePinFormat(cmd.pin()); // before any card is looked up
        }
        // A payment code is single use: its fingerprint, not the code, goes into the request hash; the PIN never does.
        String hash = RequestHash.of(
                cmd.cardNumber(),
                null,
                byCode ? SpendingAuthorization.hashCode(cmd.paymentCode()) : null,
                cmd.storeCode(),
                cmd.points());
        var replay = transactions.run(c -> ledger.replayHold(c, partnerId, cmd.partnerTxId(), hash));
        if (replay.isPresent()) {
            return replay.get();
        }
        // One attempt of the partner's budget of failed proofs is taken now and given back only if the
        // proof held: an unknown or blocked card, a wrong or missing PIN, a bad code all count, so a
        // partner can neither guess PINs across cards nor enumerate cards through holds.
        try (var attempt = authorization.proofAttempt(partnerId)) {
            try {
                Outcome<RedemptionRow> held;
                if (byCard) {
                    String memberId = transactions.run(c -> {
                        participants.requireActivePartner(c, partnerId);
                        participants.requireOpenStore(c, partnerId, cmd.storeCode());
                        return participants.spendingMember(c, cmd.cardNumber());
                    });
                    authorization.verifyPin(memberId, cmd.pin());
                    attempt.succeeded();
                    proven.run();
                    held = place(partnerId, cmd, hash, null, Ledger.HoldAuthorization.PIN, () -> {});
                } else {
                    held = place(
                            partnerId, cmd, hash, cmd.paymentCode(), Ledger.HoldAuthorization.PAYMENT_CODE, proven);
                }
                return held;
            } catch (ProblemException refused) {
                if (PROOF_FAILURES.contains(refused.code())) {
                    attempt.failed();
                }
                // anything else (points, store, the database) was not a guess: closing gives the place back
                throw refused;
            }
        }
    }

    /** Refusals that count as a failed proof against the presenting partner. */
    private static final java.util.Set<String> PROOF_FAILURES =
            java.util.Set.of("wrong-pin", "spending-locked", "pin-not-set", "invalid-payment-code", "card-not-usable");

    /** An operator's hold for a support case: by member id, at a partner's store, with a reason; audited. */
    public Outcome<RedemptionRow> holdForMember(String operator, String partnerId, String reason, HoldCommand cmd) {
        validate(cmd);
        if (!present(partnerId)) {
            throw ProblemException.invalidField("partnerId", "the partner whose store the points are spent at");
        }
        if (!present(cmd.memberId())) {
            throw ProblemException.invalidField("memberId", "required for an operator's hold");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.invalidField(
                    "reason", "why the operator spends for the member (1 to 500 characters)");
        }
        String hash = RequestHash.of(null, cmd.memberId(), null, cmd.storeCode(), cmd.points());
        return place(partnerId, cmd, hash, null, Ledger.HoldAuthorization.operator(operator, reason.strip()), () -> {});
    }

    /** {@code codeHeld}: runs once a payment code is found usable (a till's valid hold: uploads are paced). */
    private Outcome<RedemptionRow> place(
            String partnerId,
            HoldCommand cmd,
            String hash,
            String paymentCode,
            Ledger.HoldAuthorization how,
            Runnable codeHeld) {
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    var retry = ledger.replayHold(c, partnerId, cmd.partnerTxId(), hash);
                    if (retry.isPresent()) {
                        return retry.get();
                    }
                    participants.requireActivePartner(c, partnerId);
                    participants.requireOpenStore(c, partnerId, cmd.storeCode());
                    if (paymentCode != null) {
                        var code = authorization.lockUsableCode(c, paymentCode, cmd.points(), ledger.now());
                        if (code == null) {
                            // a twin of this request that used the code committed while we waited for its lock
                            var twin = ledger.replayHold(c, partnerId, cmd.partnerTxId(), hash);
                            if (twin.isPresent()) {
                                return twin.get();
                            }
                            throw authorization.invalidCode();
                        }
                        codeHeld.run();
                        String memberId = participants
                                .activeMember(c, null, code.memberId())
                                .memberId();
                        var held = ledger.hold(
                                c, partnerId, cmd.partnerTxId(), hash, memberId, cmd.storeCode(), cmd.points(), how);
                        authorization.useCode(c, code, held.result().id());
                        return held;
                    }
                    String memberId = participants
                            .activeMember(c, cmd.cardNumber(), cmd.memberId())
                            .memberId();
                    return ledger.hold(
                            c, partnerId, cmd.partnerTxId(), hash, memberId, cmd.storeCode(), cmd.points(), how);
                }),
                () -> transactions.run(c ->
                        ledger.replayHold(c, partnerId, cmd.partnerTxId(), hash).orElseThrow()));
    }

    private static void validate(HoldCommand cmd) {
        Idempotency.requireText("partnerTxId", cmd.partnerTxId(), 64);
        PointLimits.requirePositive("points", cmd.points());
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    public Outcome<RedemptionRow> capture(String partnerId, UUID id, Long points) {
        if (points != null) {
            PointLimits.requirePositive("points", points);
        }
        return transactions.run(c -> {
            participants.requireActivePartner(c, partnerId);
            return ledger.capture(c, partnerId, id, points);
        });
    }

    public Outcome<RedemptionRow> voidHold(String partnerId, UUID id) {
        return transactions.run(c -> ledger.voidHold(c, partnerId, id));
    }

    public Outcome<RedemptionRow> reverse(String partnerId, UUID id, String partnerTxId) {
        Idempotency.requireText("partnerTxId", partnerTxId, 64);
        return Idempotency.firstWins(
                () -> transactions.run(c -> ledger.reverseRedemption(c, partnerId, id, partnerTxId)),
                () -> transactions.run(c -> ledger.reverseRedemption(c, partnerId, id, partnerTxId)));
    }

    public RedemptionRow get(String partnerId, UUID id) {
        return transactions.run(c -> ledger.redemption(c, partnerId, id));
    }
}
