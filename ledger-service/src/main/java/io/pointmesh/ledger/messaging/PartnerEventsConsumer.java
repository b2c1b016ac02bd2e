package io.pointmesh.ledger.messaging;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventEnvelope;
import io.pointmesh.events.partner.CampaignEnded;
import io.pointmesh.events.partner.CampaignPublished;
import io.pointmesh.events.partner.EarnRulePublished;
import io.pointmesh.events.partner.MileageProgramPublished;
import io.pointmesh.events.partner.PartnerEvent;
import io.pointmesh.events.partner.PartnerLifecycle;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.RateOverrides;
import io.pointmesh.events.partner.StoreClosed;
import io.pointmesh.events.partner.StoreOpened;
import io.pointmesh.ledger.service.Ledger;
import io.pointmesh.platform.inbox.EventInbox;
import io.pointmesh.platform.sql.Sql;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps the ledger's copy of partners, stores, earn rules, campaigns and mileage programs current
 * from partner.events (once per event, in order per partner), so earning never calls partner-service.
 */
@ApplicationScoped
public class PartnerEventsConsumer {

    static final String CONSUMER = "ledger.partner-directory";

    @Inject
    EventInbox inbox;

    @Inject
    Ledger ledger;

    @Incoming("partner-events")
    @Blocking
    public void onEvent(String json) {
        inbox.consumeWithJdbc(CONSUMER, json, this::apply);
    }

    void apply(Connection c, EventEnvelope<DomainEvent> event) throws SQLException {
        DomainEvent data = event.data();
        if (data instanceof PartnerRegistered r) {
            // A replayed registration must not undo a later status change: only the name and category follow it.
            Sql.update(c, "INSERT INTO partner_directory (partner_id, legal_name, category, status, updated_at) VALUES (?, ?, ?, ?, ?) "
                            + "ON CONFLICT (partner_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, category = EXCLUDED.category",
                    r.partnerId(), r.legalName(), r.category(), PartnerLifecycle.statusAfter(r).orElseThrow(), event.time());
            ledger.openPartnerAccounts(c, r.partnerId());
        } else if (data instanceof StoreOpened s) {
            Sql.update(c, "INSERT INTO store_directory (partner_id, store_code, name, channel, region, open, updated_at) "
                            + "VALUES (?, ?, ?, ?, ?, true, ?) ON CONFLICT (partner_id, store_code) DO UPDATE SET name = EXCLUDED.name, "
                            + "channel = EXCLUDED.channel, region = EXCLUDED.region, open = true, updated_at = EXCLUDED.updated_at",
                    s.partnerId(), s.storeCode(), s.name(), String.valueOf(s.channel()), s.region(), event.time());
        } else if (data instanceof StoreClosed s) {
            Sql.update(c, "UPDATE store_directory SET open = false, updated_at = ? WHERE partner_id = ? AND store_code = ?",
                    event.time(), s.partnerId(), s.storeCode());
        } else if (data instanceof EarnRulePublished r) {
            // Versions are history: a redelivered or older version never replaces what is stored.
            Sql.update(c, "INSERT INTO earn_rule (partner_id, version, base_rate, store_rates, category_rates, minimum_purchase, "
                            + "per_transaction_cap, pending_days, validity_months, backdating_days, effective_from) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    r.partnerId(), r.version(), r.baseRate(), RateOverrides.toText(r.storeRates()), RateOverrides.toText(r.categoryRates()),
                    r.minimumPurchase() == null ? BigDecimal.ZERO : r.minimumPurchase(), r.perTransactionCap(), r.pendingDays(),
                    r.validityMonths(), r.backdatingDays(), r.effectiveFrom());
        } else if (data instanceof CampaignPublished k) {
            Sql.update(c, "INSERT INTO campaign (campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, starts_at, ends_at, "
                            + "target, target_value, budget_points, treatment_share, funded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (campaign_id) DO UPDATE SET name = EXCLUDED.name, bonus_kind = EXCLUDED.bonus_kind, "
                            + "multiplier = EXCLUDED.multiplier, fixed_points = EXCLUDED.fixed_points, starts_at = EXCLUDED.starts_at, "
                            + "ends_at = EXCLUDED.ends_at, target = EXCLUDED.target, target_value = EXCLUDED.target_value, "
                            + "budget_points = greatest(EXCLUDED.budget_points, campaign.spent_points), "
                            + "treatment_share = EXCLUDED.treatment_share, funded_by = EXCLUDED.funded_by",
                    k.campaignId(), k.partnerId(), k.name(), k.bonusKind().name(), k.multiplier(), k.fixedPoints(), k.startsAt(),
                    k.endsAt(), k.target().name(), k.targetValue(), k.budgetPoints(),
                    k.treatmentShare() == null ? BigDecimal.ONE : k.treatmentShare(), k.fundedBy().name());
        } else if (data instanceof CampaignEnded k) {
            Sql.update(c, "UPDATE campaign SET ended = true WHERE campaign_id = ?", k.campaignId());
        } else if (data instanceof MileageProgramPublished m) {
            Sql.update(c, "INSERT INTO mileage_program (partner_id, program_code, miles_per_point, minimum_points, step_points) "
                            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (partner_id) DO UPDATE SET program_code = EXCLUDED.program_code, "
                            + "miles_per_point = EXCLUDED.miles_per_point, minimum_points = EXCLUDED.minimum_points, "
                            + "step_points = EXCLUDED.step_points",
                    m.partnerId(), m.programCode(), m.milesPerPoint(), m.minimumPoints(), m.stepPoints());
        } else if (data instanceof PartnerEvent p) {
            var status = PartnerLifecycle.statusAfter(p);
            if (status.isPresent()) {
                Sql.update(c, "UPDATE partner_directory SET status = ?, updated_at = ? WHERE partner_id = ?",
                        status.get(), event.time(), event.subject());
            }
        }
    }
}
