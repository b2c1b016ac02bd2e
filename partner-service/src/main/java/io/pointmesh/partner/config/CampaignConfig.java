package io.pointmesh.partner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The network's terms for partners' campaigns (keys {@code pointmesh.campaigns.*}, settable by environment). */
@ConfigMapping(prefix = "pointmesh.campaigns")
public interface CampaignConfig {

    /**
     * The largest fixed bonus one purchase may earn from a campaign: the network's bound (the grade
     * uplift on it is the partner's issuance, like the bonus); never above the ledger's limit per
     * operation (1,000,000,000), whatever is configured.
     */
    @WithDefault("1000000")
    long maxFixedPoints();
}
