package io.pointmesh.ledger.config;

import io.pointmesh.ledger.repository.AuthorizationRepository;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.platform.outbox.Outbox;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.ZoneId;

/** Wires the ledger's plain classes (plain so that the property tests can build them without a container). */
public class LedgerBeans {

    @Produces
    @Singleton
    PostingRepository postings() {
        return new PostingRepository();
    }

    @Produces
    @Singleton
    OperationRepository operations() {
        return new OperationRepository();
    }

    @Produces
    @Singleton
    AuthorizationRepository authorizations() {
        return new AuthorizationRepository();
    }

    @Produces
    @Singleton
    ReferralRepository referrals() {
        return new ReferralRepository();
    }

    @Produces
    @Singleton
    Ledger ledger(
            PostingRepository postings,
            OperationRepository operations,
            DirectoryRepository directory,
            ReferralRepository referrals,
            Clock clock,
            Outbox outbox,
            LedgerConfig config) {
        return new Ledger(postings, operations, directory, referrals, clock, outbox::publish, policy(config));
    }

    public static Ledger.Policy policy(LedgerConfig config) {
        return new Ledger.Policy(
                config.holdTimeout(),
                config.referralBonusPoints(),
                config.defaultValidityMonths(),
                config.giftMaxPoints(),
                config.giftDailyMaxPoints(),
                config.expiryNoticeDays(),
                ZoneId.of(config.zone()));
    }
}
