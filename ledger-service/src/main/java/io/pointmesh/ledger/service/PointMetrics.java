package io.pointmesh.ledger.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.EventCodec;
import io.pointmesh.events.ledger.EarningReversed;
import io.pointmesh.events.ledger.PointsAdjusted;
import io.pointmesh.events.ledger.PointsAwarded;
import io.pointmesh.events.ledger.PointsConverted;
import io.pointmesh.events.ledger.PointsEarned;
import io.pointmesh.events.ledger.PointsExpired;
import io.pointmesh.events.ledger.PointsForfeited;
import io.pointmesh.events.ledger.PointsGifted;
import io.pointmesh.events.ledger.RedemptionCaptured;
import io.pointmesh.events.ledger.RedemptionReversed;
import io.pointmesh.events.ledger.RedemptionVoided;
import io.pointmesh.events.ledger.ReferralBonusPaid;
import io.pointmesh.events.ledger.ReferralBonusReversed;
import io.pointmesh.events.ledger.VoidReason;
import io.pointmesh.platform.outbox.PublishedEventListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The network's business metrics, counted from the events the ledger published (so a posting that
 * rolled back is never counted): {@code pointmesh_points_total{movement, partner_category}} with
 * movement earned, redeemed, reversed, redemption-reversed, expired, forfeited, gifted,
 * converted, referral-bonus, referral-bonus-reversed, awarded (bulk awards, by the funding partner's
 * category, {@code none} when the network funds them), adjusted-credit and adjusted-debit, and {@code pointmesh_holds_lapsed_total{partner_category}}.
 *
 * <p>Labelled by the partner's category, never by partner or member: a member id in a metric label
 * would put personal data into every monitoring system, and one series per member would overwhelm
 * it. Points a member moves without a partner (expiry, gifts, adjustments) carry
 * {@code partner_category="none"}.
 */
@ApplicationScoped
public class PointMetrics implements PublishedEventListener {

    private static final Logger LOG = Logger.getLogger(PointMetrics.class);
    static final String NONE = "none";

    @Inject
    EventCodec codec;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry registry;

    /** partner id -> category, read once from the ledger's partner directory. */
    private final Map<String, String> categories = new ConcurrentHashMap<>();

    @Override
    public void published(String eventType, String payload) {
        if (!eventType.startsWith("ledger.")) {
            return;
        }
        DomainEvent event = codec.decode(payload).map(e -> e.data()).orElse(null);
        if (event instanceof PointsEarned e) {
            points("earned", category(e.partnerId())).increment(e.points());
        } else if (event instanceof RedemptionCaptured r) {
            points("redeemed", category(r.partnerId())).increment(r.points());
        } else if (event instanceof EarningReversed r) {
            points("reversed", category(r.partnerId())).increment(r.points());
        } else if (event instanceof PointsExpired x) {
            points("expired", NONE).increment(x.points());
        } else if (event instanceof PointsGifted g) {
            points("gifted", NONE).increment(g.points());
        } else if (event instanceof PointsConverted c) {
            points("converted", category(c.mileagePartnerId())).increment(c.points());
        } else if (event instanceof RedemptionReversed r) {
            points("redemption-reversed", category(r.partnerId())).increment(r.points());
        } else if (event instanceof PointsForfeited f) {
            points("forfeited", NONE).increment(f.points());
        } else if (event instanceof ReferralBonusPaid b) {
            points("referral-bonus", NONE).increment(b.memberPoints() + b.referrerPoints());
        } else if (event instanceof ReferralBonusReversed b) {
            points("referral-bonus-reversed", NONE).increment(b.memberPoints() + b.referrerPoints());
        } else if (event instanceof PointsAwarded a) {
            points("awarded", category(a.partnerId())).increment(a.points());
        } else if (event instanceof PointsAdjusted a) {
            points(a.points() < 0 ? "adjusted-debit" : "adjusted-credit", NONE).increment(Math.abs(a.points()));
        } else if (event instanceof RedemptionVoided v && v.reason() == VoidReason.LAPSED) {
            Counter.builder("pointmesh.holds.lapsed")
                    .tag("partner_category", category(v.partnerId()))
                    .description("holds that lapsed uncaptured (the POS never captured nor voided them)")
                    .register(registry)
                    .increment();
        }
    }

    private Counter points(String movement, String category) {
        return Counter.builder("pointmesh.points")
                .tag("movement", movement)
                .tag("partner_category", category)
                .description("points moved, counted from the ledger's published events")
                .register(registry);
    }

    private String category(String partnerId) {
        if (partnerId == null) {
            return NONE;
        }
        String known = categories.get(partnerId);
        if (known != null) {
            return known;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT category FROM partner_directory WHERE partner_id = ?")) {
            s.setString(1, partnerId);
            try (ResultSet r = s.executeQuery()) {
                if (r.next() && r.getString(1) != null) {
                    categories.put(partnerId, r.getString(1));
                    return r.getString(1);
                }
                return "unknown"; // not cached: the directory may learn the partner in a moment
            }
        } catch (SQLException e) {
            LOG.debugf("no category for a partner at this moment: %s", e.toString());
            return "unknown";
        }
    }
}
