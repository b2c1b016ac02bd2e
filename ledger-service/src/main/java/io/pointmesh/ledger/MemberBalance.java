package io.pointmesh.ledger;

/**
 * One member's balance row, read under its row lock and written back by the same transaction.
 * The ledger balance itself (the sum of the account's entries) is kept by the database when a
 * transfer is inserted; this class keeps its breakdown, and the database checks at commit that
 * {@code balance = available + pending + held - debt}.
 */
public final class MemberBalance {

    public final String memberId;
    public long available;
    public long pending;
    public long held;
    public long debt;
    public long lifetimeEarned;
    public long spent;
    public long expired;

    public MemberBalance(String memberId) {
        this.memberId = memberId;
    }

    public String account() {
        return Accounts.member(memberId);
    }

    public int shard() {
        return Accounts.shardOf(memberId);
    }

    /** The signed ledger balance this breakdown stands for. */
    public long balance() {
        return available + pending + held - debt;
    }
}
