package io.pointmesh.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/** The ledger's rules that operators may set (keys under pointmesh.ledger; env POINTMESH_LEDGER_...). */
@ConfigMapping(prefix = "pointmesh.ledger")
public interface LedgerConfig {

    /** How long a redemption hold waits for capture or void before it lapses. */
    @WithDefault("15M")
    Duration holdTimeout();

    /** Validity of points when the partner's earn rule does not say (OK Cashbag: 5 years). */
    @WithDefault("60")
    int defaultValidityMonths();

    /** Back-dating window for earnings when the earn rule does not say. */
    @WithDefault("30")
    int defaultBackdatingDays();

    /** Members are told this many days before their points expire (also the balance's "expiring soon"). */
    @WithDefault("30")
    int expiryNoticeDays();

    /** Paid to both the referred member and the referrer on the referred member's first qualifying earning. */
    @WithDefault("1000")
    long referralBonusPoints();

    /**
     * A referred member's earning qualifies for the referral bonus with at least this many base points (500: a
     * 50,000 KRW purchase at 1 %), and the bonus is taken back when refunds leave that earning under it: a throwaway
     * account buying something for 100 KRW, or a purchase refunded but for a won, does not mint 2,000 points.
     */
    @WithDefault("500")
    long referralQualifyingPoints();

    /**
     * A referral bonus is pending at least this long after the purchase that paid it is posted (longer while the
     * purchase's own points are pending): a purchase refunded in that time takes it back before it could be spent or
     * given away, whatever the partner's pending period (0 by default) or the purchase's stated time.
     */
    @WithDefault("P14D")
    java.time.Duration referralBonusHold();

    @WithDefault("50000")
    long giftMaxPoints();

    @WithDefault("100000")
    long giftDailyMaxPoints();

    /** The largest purchase amount accepted (anything above is an input error, not a purchase). */
    @WithDefault("100000000")
    BigDecimal maxPurchaseAmount();

    /** Currencies purchases may be reported in. */
    @WithDefault("KRW")
    List<String> currencies();

    /** The time zone of "per day" limits and expiry dates. */
    @WithDefault("Asia/Seoul")
    String zone();

    /** Wrong spending PINs in a row that lock spending with the PIN (at every partner). */
    @WithDefault("5")
    int pinMaxAttempts();

    /** How long spending with the PIN stays locked after too many wrong PINs (the first time: see pinLockMax). */
    @WithDefault("15M")
    Duration pinLock();

    /** The longest lock: each lock in a row without a right PIN lasts four times the one before, up to this. */
    @WithDefault("P7D")
    Duration pinLockMax();

    /** PIN set or change attempts one member may make per hour. */
    @WithDefault("10")
    int pinChangesPerMember();

    /** How long a one-time payment code from the member's app is valid. */
    @WithDefault("3M")
    Duration paymentCodeTtl();

    /** Unused, unexpired payment codes one member may hold at once. */
    @WithDefault("5")
    int paymentCodeMaxLive();

    /** Failed spending proofs (wrong PINs, unknown/expired/used codes) one partner may make per window before 429. */
    @WithDefault("20")
    int proofFailuresPerPartner();

    @WithDefault("10M")
    Duration proofFailuresWindow();

    /**
     * Earnings refused for their card (unknown, blocked, its member not active) one partner may send per window;
     * past it, every earning by card from that partner is 429 until the window ends: the refusals tell which card
     * numbers exist, and a batch asks 500 at a time. High enough that a chain's tills never reach it with typos (a
     * partner's own online checkout should bound what its customers type), low enough that guessing is hopeless.
     */
    @WithDefault("1000")
    int cardFailuresPerPartner();

    @WithDefault("10M")
    Duration cardFailuresWindow();

    /** Card balance lookups one partner may make per window before 429. */
    @WithDefault("600")
    int cardLookupsPerPartner();

    @WithDefault("1M")
    Duration cardLookupsWindow();

    /** Batch size of the scheduled jobs (lapse, mature, expire, notice). */
    @WithDefault("500")
    int jobBatchSize();

    /**
     * How long a job leaves out a hold or member whose posting failed for a reason of its own (not the database
     * being away), so that the items after it run (docs/ledger.md, "Jobs"). Keep it under 20 minutes: the alert
     * {@code PointmeshLedgerJobFailing} counts on a failing item being tried again within that.
     */
    @WithDefault("10M")
    Duration jobFailureBackoff();

    /** Bulk awards (docs/ledger.md, "Bulk awards"). */
    AwardsConfig awards();

    interface AwardsConfig {
        /** Members one worker transaction credits (each its own posting and event, one commit for all). */
        @WithDefault("500")
        int batchSize();

        /** How often each instance's worker looks for awards to process ({@code off} disables it). */
        @WithDefault("1s")
        String interval();

        /** The most points one award gives each member. */
        @WithDefault("1000000")
        long maxPoints();

        /** The most member ids one request may list. */
        @WithDefault("100000")
        int maxMembers();
    }

    /** Earn in batches: POST /ledger/v1/earnings/batch (docs/ledger.md, "Earn in batches"). */
    EarnBatchConfig earnBatch();

    interface EarnBatchConfig {
        /** The most purchases one batch request may carry. */
        @WithDefault("500")
        int maxItems();

        /**
         * Purchases of batch requests in flight at once, all batches together (a pool shared by every batch
         * request). 32 measured best on two cores: 16 left the group commit's transactions half as full, 48 gained nothing.
         */
        @WithDefault("32")
        int workers();

        /** Batch requests being answered at once, all partners together; more are answered 503 (busy, Retry-After). */
        @WithDefault("8")
        int maxInFlight();

        /** Batch requests one partner may have being answered at once; more are answered 429 (too-many-batches). */
        @WithDefault("2")
        int maxInFlightPerPartner();

        /**
         * Batch purchases started per second (this instance, all batches together) while tills are earning or
         * holding (a lone request within the last second); 0 never paces. An upload at full speed takes every core.
         */
        @WithDefault("200")
        int pacedRate();

        /** The largest batch body accepted, in bytes (413 above it, before it is read). */
        @WithDefault("1048576")
        int maxBodyBytes();
    }

    /** Group commit of live earnings (see GroupCommit and docs/ledger.md, "Group commit"). */
    GroupCommitConfig groupCommit();

    interface GroupCommitConfig {
        /** Lanes written in parallel, each one transaction at a time; earnings are spread by the member's shard. */
        @WithDefault("2")
        int lanes();

        /** The most earnings one transaction writes (bounds a batch's latency and its lock time); 1 turns batching off. */
        @WithDefault("32")
        int maxBatch();

        /**
         * The longest a request waits for its lane's answer: a lane's connection that hangs answers its callers 503
         * after this (the client's retry with its key finds what was written) rather than holding them for ever.
         */
        @WithDefault("30s")
        java.time.Duration answerTimeout();
    }
}
