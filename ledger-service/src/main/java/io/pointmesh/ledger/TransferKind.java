package io.pointmesh.ledger;

/** Why points moved; each kind has one direction (see docs/ledger.md, "Postings"). */
public enum TransferKind {
    /** partner issuance -> member */
    EARN,
    /** partner issuance or network promotion -> member */
    CAMPAIGN_BONUS,
    /**
     * The grade multiplier's uplift: partner issuance -> member on what the partner funds, network
     * promotion -> member on the network's own bonuses
     */
    GRADE_BONUS,
    /** network promotion -> member */
    REFERRAL_BONUS,
    /** member -> partner issuance (or network promotion for the bonus share) */
    EARN_REVERSAL,
    /** member -> partner redemption */
    REDEMPTION,
    /** partner redemption -> member */
    REDEMPTION_REVERSAL,
    /** member -> network breakage */
    EXPIRY,
    /** member -> network conversion */
    CONVERSION,
    /** member -> member */
    GIFT,
    /** network adjustment <-> member */
    ADJUSTMENT,
    /** member -> network breakage, when a member leaves */
    FORFEIT,
    /**
     * member -> network promotion: a referral bonus taken back when refunds left its qualifying purchase under
     * referral-qualifying-points (or refunded it in full)
     */
    REFERRAL_REVERSAL,
    /** partner issuance (partner-funded) or network promotion (network-funded) -> member: a bulk award */
    AWARD,
    /** member -> partner redemption (a partner's reward) or network rewards: a reward order (docs/rewards.md) */
    REWARD_ORDER,
    /** partner redemption or network rewards -> member: a cancelled or failed reward order */
    REWARD_ORDER_REVERSAL,
    /**
     * network breakage -> member: a refund of an earning whose points had expired takes them back from breakage
     * (on their way back to the earning's funders with the EARN_REVERSAL), not from the member's other points
     */
    EXPIRY_REVERSAL
}
