package io.pointmesh.ledger;

/**
 * The ledger's account names. One account per member; per partner an issuance account (points
 * the partner funded, so its balance is minus what it issued) and a redemption account (points
 * spent at the partner); and the network's breakage, promotion,
 * conversion, adjustment and rewards accounts.
 */
public final class Accounts {

    public static final String BREAKAGE = "network:breakage";
    public static final String PROMOTION = "network:promotion";
    public static final String CONVERSION = "network:conversion";
    public static final String ADJUSTMENT = "network:adjustment";
    /** Points members spent on the network's own rewards (a partner's reward pays its redemption account). */
    public static final String REWARDS = "network:rewards";
    /** Partner and network accounts are split into this many rows (see account_shard). */
    public static final int SHARDS = 16;

    private Accounts() {}

    public static String member(String memberId) {
        return "member:" + memberId;
    }

    public static String issuance(String partnerId) {
        return "partner:" + partnerId + ":issuance";
    }

    public static String redemption(String partnerId) {
        return "partner:" + partnerId + ":redemption";
    }

    /**
     * The shard a member's postings use on the partner and network side. Always the same for one
     * member, so a transaction (already serialized on the member's row) touches one shard row per
     * account, in a fixed order, and different members spread over the shards.
     */
    public static int shardOf(String memberId) {
        return Math.floorMod(memberId.hashCode(), SHARDS);
    }
}
