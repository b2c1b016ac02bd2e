package io.pointmesh.partner;

import io.pointmesh.events.partner.BonusKind;
import io.pointmesh.events.partner.CampaignTarget;
import io.pointmesh.events.partner.CrossPartnerAudience;
import io.pointmesh.events.partner.FundedBy;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** A partner's (or the network's) bonus campaign. */
@Entity
@Table(name = "campaign")
public class Campaign extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "partner_id")
    public String partnerId;

    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "bonus_kind")
    public BonusKind bonusKind;

    public BigDecimal multiplier;

    @Column(name = "fixed_points")
    public long fixedPoints;

    @Column(name = "starts_at")
    public Instant startsAt;

    @Column(name = "ends_at")
    public Instant endsAt;

    @Enumerated(EnumType.STRING)
    public CampaignTarget target;

    @Column(name = "target_value")
    public String targetValue;

    @Column(name = "budget_points")
    public long budgetPoints;

    @Column(name = "treatment_share")
    public BigDecimal treatmentShare;

    @Enumerated(EnumType.STRING)
    @Column(name = "funded_by")
    public FundedBy fundedBy;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    /** A joint campaign's audience (target CROSS_PARTNER): one of partner or category, a window in days. */
    @Column(name = "audience_partner_id")
    public String audiencePartnerId;

    @Column(name = "audience_category")
    public String audienceCategory;

    @Column(name = "audience_within_days")
    public Integer audienceWithinDays;

    @Column(name = "audience_not_yet_here")
    public boolean audienceNotYetHere;

    /** The partner paying {@link #coFunderShare} of each bonus, once it has accepted (V9__joint_campaigns.sql). */
    @Column(name = "co_funder_id")
    public String coFunderId;

    @Column(name = "co_funder_share")
    public BigDecimal coFunderShare;

    /** PENDING, ACCEPTED or DECLINED; null when nobody co-funds. */
    @Column(name = "co_funding_status")
    public String coFundingStatus;

    @Column(name = "co_funding_decided_by")
    public String coFundingDecidedBy;

    @Column(name = "co_funding_decided_at")
    public Instant coFundingDecidedAt;

    /** A joint campaign's audience as the events carry it; null for any other target. */
    public CrossPartnerAudience audience() {
        return target == CampaignTarget.CROSS_PARTNER
                ? new CrossPartnerAudience(audiencePartnerId, audienceCategory, audienceWithinDays, audienceNotYetHere)
                : null;
    }

    /** The Idempotency-Key the campaign was created with, or null (V7__idempotent_creates.sql). */
    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** SHA-256 of the creating request's normalised command, with the key. */
    @Column(name = "request_hash")
    public String requestHash;
}
