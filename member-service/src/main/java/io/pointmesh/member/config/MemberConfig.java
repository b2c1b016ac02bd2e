package io.pointmesh.member.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.ZoneId;
import java.util.Map;

/** member-service's terms (keys {@code pointmesh.member.*}, settable by environment). */
@ConfigMapping(prefix = "pointmesh.member")
public interface MemberConfig {

    /** The network's card prefix: the first digits of every card number (then random digits, then a Luhn check digit). */
    @WithDefault("9410")
    String cardPrefix();

    /** How many members one member may refer in a calendar year (in {@link #zone()}). */
    @WithDefault("20")
    int referralYearlyLimit();

    /** Where a year begins for the referral limit, and a birth year is judged. */
    @WithDefault("Asia/Seoul")
    ZoneId zone();

    /** The youngest age at which one may join. */
    @WithDefault("14")
    int minimumAge();

    /** Card lookups one partner may make per {@link #cardLookupsWindow()} before 429 (cards are not to be enumerated). */
    @WithDefault("600")
    int cardLookupsPerPartner();

    @WithDefault("1M")
    java.time.Duration cardLookupsWindow();

    /**
     * Joins one account may attempt per {@link #joinAttemptsWindow()} before 429: a refused join can tell something
     * about other members (a mobile number taken, a referral code unknown or at its limit), so they are not to be asked
     * in bulk. Counted as they arrive (parallel attempts cannot pass together); an account joins once.
     */
    @WithDefault("5")
    int joinAttemptsPerAccount();

    @WithDefault("1H")
    java.time.Duration joinAttemptsWindow();

    /** What each grade gives besides its earn multiplier, shown to members ("; " between benefits). */
    Map<String, String> gradeBenefits();
}
