package io.pointmesh.analytics.repository;

import io.pointmesh.platform.sql.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The member and card dimensions (member_dim, card_dim), as member.events keep them.
 * Demographics are held only while the member allows personalization.
 */
@ApplicationScoped
public class MemberDimensionRepository {

    /** A member joined (once). */
    public void join(Connection c, String memberId, Instant joinedAt) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO member_dim (member_id, joined_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                memberId,
                joinedAt);
    }

    /**
     * A card of the member's, active (once). A card already known changes nothing: a redelivery, and a late issue
     * (a replayed dead letter) of a card blocked since, which stays inactive ({@link #blockCard}'s tombstone).
     */
    public void addCard(Connection c, String memberId, String cardNumber) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO card_dim (card_number, member_id, active) VALUES (?, ?, true) ON CONFLICT DO NOTHING",
                cardNumber,
                memberId);
    }

    /**
     * The member's card is blocked for good (replaced); a card not known yet is recorded inactive (a tombstone), so
     * its issue applied later does not make it active.
     */
    public void blockCard(Connection c, String cardNumber, String memberId) throws SQLException {
        Sql.update(
                c,
                "INSERT INTO card_dim (card_number, member_id, active) VALUES (?, ?, false) "
                        + "ON CONFLICT (card_number) DO UPDATE SET active = false",
                cardNumber,
                memberId);
    }

    /**
     * The member's consents; withdrawing personalization erases their demographics. Whom they share
     * their behaviour at other partners with ({@code shareWithAllPartners}, {@code sharedPartnerIds})
     * decides whether joint campaigns may count them (docs/analytics.md, "Joint campaigns").
     */
    public void changeConsent(
            Connection c,
            String memberId,
            boolean personalization,
            boolean marketingSms,
            boolean marketingEmail,
            boolean marketingPush,
            boolean shareWithAllPartners,
            List<String> sharedPartnerIds,
            Instant at)
            throws SQLException {
        // as of the event's time: a late (replayed) consent does not undo a newer one, and none applies after leaving
        Sql.update(
                c,
                "UPDATE member_dim SET personalization = ?, marketing_sms = ?, marketing_email = ?, marketing_push = ?, "
                        + "birth_year = CASE WHEN ? THEN birth_year END, gender = CASE WHEN ? THEN gender END, "
                        + "region = CASE WHEN ? THEN region END, share_with_all_partners = ?, shared_partner_ids = ?, "
                        + "consent_at = ? WHERE member_id = ? AND status <> 'LEFT' AND (consent_at IS NULL OR consent_at <= ?)",
                personalization,
                marketingSms,
                marketingEmail,
                marketingPush,
                personalization,
                personalization,
                personalization,
                shareWithAllPartners,
                c.createArrayOf("text", (sharedPartnerIds == null ? List.<String>of() : sharedPartnerIds).toArray()),
                at,
                memberId,
                at);
    }

    /**
     * The member's demographics, kept only if they allow personalization; not a profile older than the member's
     * latest consent change (a replayed profile from before a withdrawal does not come back with a later grant) or
     * than the profile stored.
     */
    public void changeProfile(
            Connection c, String memberId, Integer birthYear, String gender, String region, Instant at)
            throws SQLException {
        Sql.update(
                c,
                "UPDATE member_dim SET birth_year = ?, gender = ?, region = ?, profile_at = ? WHERE member_id = ? "
                        + "AND personalization AND status <> 'LEFT' AND (consent_at IS NULL OR consent_at <= ?) "
                        + "AND (profile_at IS NULL OR profile_at <= ?)",
                birthYear,
                gender,
                region,
                at,
                memberId,
                at,
                at);
    }

    /** Suspended as of the event's time: a late reinstatement does not undo a newer suspension, nor the reverse. */
    public void suspend(Connection c, String memberId, Instant at) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_dim SET status = 'SUSPENDED', status_at = ? WHERE member_id = ? AND status = 'ACTIVE' "
                        + "AND (status_at IS NULL OR status_at <= ?)",
                at,
                memberId,
                at);
    }

    public void reinstate(Connection c, String memberId, Instant at) throws SQLException {
        Sql.update(
                c,
                "UPDATE member_dim SET status = 'ACTIVE', status_at = ? WHERE member_id = ? AND status = 'SUSPENDED' "
                        + "AND (status_at IS NULL OR status_at <= ?)",
                at,
                memberId,
                at);
    }

    /** A member left (for good): their cards are blocked and their dimension row loses every attribute but the id. */
    public void leave(Connection c, String memberId, Instant at) throws SQLException {
        Sql.update(c, "UPDATE card_dim SET active = false WHERE member_id = ?", memberId);
        Sql.update(
                c,
                "UPDATE member_dim SET status = 'LEFT', personalization = false, marketing_sms = false, marketing_email = false, "
                        + "marketing_push = false, birth_year = NULL, gender = NULL, region = NULL, "
                        + "share_with_all_partners = false, shared_partner_ids = '{}', status_at = ? WHERE member_id = ?",
                at,
                memberId);
    }
}
