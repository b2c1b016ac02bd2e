package io.pointmesh.ledger.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointmesh.ledger.repository.AuthorizationRepository;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.OperationRepository;
import io.pointmesh.ledger.repository.PostingRepository;
import io.pointmesh.ledger.repository.ReferralRepository;
import io.pointmesh.ledger.repository.RewardRepository;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.sql.GroupCommit;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.ZoneId;
import javax.sql.DataSource;

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
    RewardRepository rewards() {
        return new RewardRepository();
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

    /** Live earnings are written in group commits (EarnService): one transaction per batch and lane. */
    @Produces
    @Singleton
    GroupCommit earnGroupCommit(
            DataSource dataSource, Transactions transactions, LedgerConfig config, MeterRegistry registry) {
        GroupCommit groupCommit = new GroupCommit(
                dataSource,
                transactions,
                "earn-group-commit",
                config.groupCommit().lanes(),
                config.groupCommit().maxBatch(),
                config.groupCommit().answerTimeout());
        // earnings / transactions is the mean batch: how much the group commit saves under the load of the moment
        FunctionCounter.builder("pointmesh.ledger.group.commit.earnings", groupCommit, GroupCommit::units)
                .description("live earnings written through the group commit")
                .register(registry);
        FunctionCounter.builder("pointmesh.ledger.group.commit.transactions", groupCommit, GroupCommit::batches)
                .description("transactions (batches) the group commit wrote them in")
                .register(registry);
        return groupCommit;
    }

    void closeGroupCommit(@Disposes GroupCommit groupCommit) {
        groupCommit.close();
    }

    public static Ledger.Policy policy(LedgerConfig config) {
        return new Ledger.Policy(
                config.holdTimeout(),
                config.referralBonusPoints(),
                config.referralQualifyingPoints(),
                config.referralBonusHold(),
                config.defaultValidityMonths(),
                config.giftMaxPoints(),
                config.giftDailyMaxPoints(),
                config.expiryNoticeDays(),
                ZoneId.of(config.zone()));
    }
}
