package io.pointmesh.ledger.service;

import io.pointmesh.ledger.PointLimits;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository.MemberOperationRow;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** What members do with their own points (gift, convert to miles) and operators' adjustments. */
@ApplicationScoped
public class MemberPointsService {

    @Inject
    Transactions transactions;

    @Inject
    Ledger ledger;

    @Inject
    ParticipantCheck participants;

    @Inject
    DirectoryRepository directory;

    public Outcome<MemberOperationRow> gift(
            String memberId, String recipientCardNumber, Long points, String idempotencyKey) {
        Idempotency.requireText("recipientCardNumber", recipientCardNumber, 64);
        requirePositive(points);
        String key = Idempotency.requireKey(idempotencyKey, "a gift");
        String hash = RequestHash.of(recipientCardNumber, points);
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    var retry = ledger.replayMemberOperation(c, memberId, "GIFT", key, hash);
                    if (retry.isPresent()) {
                        return retry.get();
                    }
                    participants.activeMember(c, null, memberId);
                    String recipient;
                    try {
                        recipient = participants
                                .activeMember(c, recipientCardNumber, null)
                                .memberId();
                    } catch (ProblemException e) {
                        // one answer whatever is wrong with the card: a member typing card numbers learns
                        // neither whose card it is (the member id) nor whether it is blocked, unknown or
                        // its holder suspended
                        throw ProblemException.unprocessable(
                                "recipient-not-usable",
                                "Card cannot receive gifts",
                                "this card cannot receive gifts: check the number with the recipient");
                    }
                    return ledger.gift(c, memberId, recipient, points, key, hash);
                }),
                () -> transactions.run(c -> ledger.replayMemberOperation(c, memberId, "GIFT", key, hash)
                        .orElseThrow()));
    }

    public Outcome<MemberOperationRow> convert(
            String memberId, String mileagePartnerId, Long points, String idempotencyKey) {
        Idempotency.requireText("mileagePartnerId", mileagePartnerId, 64);
        requirePositive(points);
        String key = Idempotency.requireKey(idempotencyKey, "a conversion");
        String hash = RequestHash.of(mileagePartnerId, points);
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    var retry = ledger.replayMemberOperation(c, memberId, "CONVERSION", key, hash);
                    if (retry.isPresent()) {
                        return retry.get();
                    }
                    participants.activeMember(c, null, memberId);
                    var program = directory
                            .mileageProgram(c, mileagePartnerId)
                            .orElseThrow(() -> ProblemException.unprocessable(
                                    "unknown-mileage-partner",
                                    "Unknown mileage partner",
                                    "no mileage program for partner " + mileagePartnerId));
                    participants.requireActivePartner(c, mileagePartnerId);
                    if (points < program.minimumPoints() || points % program.stepPoints() != 0) {
                        throw ProblemException.unprocessable(
                                "invalid-conversion",
                                "Invalid conversion",
                                "convert at least " + program.minimumPoints() + " points, in steps of "
                                        + program.stepPoints());
                    }
                    long miles = BigDecimal.valueOf(points)
                            .multiply(program.milesPerPoint())
                            .setScale(0, RoundingMode.FLOOR)
                            .longValueExact();
                    if (miles < 1) {
                        // a point that buys no mile would simply vanish
                        throw ProblemException.unprocessable(
                                "invalid-conversion",
                                "Invalid conversion",
                                points + " points convert to no mile at "
                                        + program.milesPerPoint().toPlainString() + " miles a point");
                    }
                    return ledger.convert(c, memberId, mileagePartnerId, points, miles, key, hash);
                }),
                () -> transactions.run(c -> ledger.replayMemberOperation(c, memberId, "CONVERSION", key, hash)
                        .orElseThrow()));
    }

    public Outcome<MemberOperationRow> adjust(
            String actor, String memberId, Long points, String reason, String idempotencyKey) {
        Idempotency.requireText("memberId", memberId, 64);
        PointLimits.requireSignedNonZero("points", points);
        Idempotency.requireText("reason", reason, 500);
        // required: an operator's retry after a timeout without it credited the member twice
        String key = Idempotency.requireKey(idempotencyKey, "an adjustment");
        String hash = RequestHash.of(memberId, points, reason);
        return Idempotency.firstWins(
                () -> transactions.run(c -> {
                    directory
                            .member(c, memberId)
                            .orElseThrow(() -> ProblemException.unprocessable(
                                    "unknown-member", "Unknown member", "no member " + memberId));
                    return ledger.adjust(c, memberId, points, reason.strip(), actor, key, hash);
                }),
                () -> transactions.run(c -> ledger.adjust(c, memberId, points, reason.strip(), actor, key, hash)));
    }

    private static void requirePositive(Long points) {
        PointLimits.requirePositive("points", points);
    }
}
