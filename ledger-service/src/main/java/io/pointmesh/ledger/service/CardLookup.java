package io.pointmesh.ledger.service;

import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.platform.security.RateLimiter;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The POS's question "how many points can this card spend?" (an active partner asking about an active member). */
@ApplicationScoped
public class CardLookup {

    @Inject
    Transactions transactions;

    @Inject
    ParticipantCheck participants;

    @Inject
    AccountQueryService accounts;

    @Inject
    RateLimiter limiter;

    @Inject
    LedgerConfig config;

    /** Rate-limited per partner (429): card numbers are not to be enumerated. */
    public long availableOnCard(String partnerId, String cardNumber) {
        limiter.acquire(
                "card lookups",
                partnerId,
                new RateLimiter.Limit(config.cardLookupsPerPartner(), config.cardLookupsWindow()));
        return transactions.run(c -> {
            participants.requireActivePartner(c, partnerId);
            String memberId = participants.activeMember(c, cardNumber, null).memberId();
            return accounts.balance(c, memberId).available();
        });
    }
}
