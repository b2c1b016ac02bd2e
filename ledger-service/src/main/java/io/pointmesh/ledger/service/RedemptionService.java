package io.pointmesh.ledger.service;

import io.pointmesh.ledger.RequestHash;
import io.pointmesh.ledger.repository.OperationRepository.RedemptionRow;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** Two-phase redemption for the POS: hold, then capture (all or part) or void; holds lapse by themselves. */
@ApplicationScoped
public class RedemptionService {

    public record HoldCommand(String partnerTxId, String cardNumber, String memberId, String storeCode, Long points) {
    }

    @Inject
    Transactions transactions;

    @Inject
    Ledger ledger;

    @Inject
    MemberResolver members;

    public Outcome<RedemptionRow> hold(String partnerId, HoldCommand cmd) {
        Idempotency.requireText("partnerTxId", cmd.partnerTxId(), 64);
        if (cmd.points() == null || cmd.points() <= 0) {
            throw ProblemException.invalidField("points", "a positive number of points");
        }
        String hash = RequestHash.of(cmd.cardNumber(), cmd.memberId(), cmd.storeCode(), cmd.points());
        return Idempotency.firstWins(() -> transactions.run(c -> {
            var retry = ledger.replayHold(c, partnerId, cmd.partnerTxId(), hash);
            if (retry.isPresent()) {
                return retry.get();
            }
            members.requireActivePartner(c, partnerId);
            members.requireOpenStore(c, partnerId, cmd.storeCode());
            String memberId = members.activeMember(c, cmd.cardNumber(), cmd.memberId()).memberId();
            return ledger.hold(c, partnerId, cmd.partnerTxId(), hash, memberId, cmd.storeCode(), cmd.points());
        }), () -> transactions.run(c -> ledger.replayHold(c, partnerId, cmd.partnerTxId(), hash).orElseThrow()));
    }

    public Outcome<RedemptionRow> capture(String partnerId, UUID id, Long points) {
        if (points != null && points <= 0) {
            throw ProblemException.invalidField("points", "a positive number of points, at most the held amount");
        }
        return transactions.run(c -> {
            members.requireActivePartner(c, partnerId);
            return ledger.capture(c, partnerId, id, points);
        });
    }

    public Outcome<RedemptionRow> voidHold(String partnerId, UUID id) {
        return transactions.run(c -> ledger.voidHold(c, partnerId, id));
    }

    public Outcome<RedemptionRow> reverse(String partnerId, UUID id, String partnerTxId) {
        Idempotency.requireText("partnerTxId", partnerTxId, 64);
        return Idempotency.firstWins(() -> transactions.run(c -> ledger.reverseRedemption(c, partnerId, id, partnerTxId)),
                () -> transactions.run(c -> ledger.reverseRedemption(c, partnerId, id, partnerTxId)));
    }

    public RedemptionRow get(String partnerId, UUID id) {
        return transactions.run(c -> ledger.redemption(c, partnerId, id));
    }
}
