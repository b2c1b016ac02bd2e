package io.pointmesh.analytics.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A partner's segment campaign is paid by the ledger only to members who share with the partner, so its results'
 * population is those members: counted with everyone of the segment, the arms held members the ledger never paid
 * (a diluted effect, and purchase rate x arm size told the partner about members who had not shared).
 */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class CampaignPopulationTest {

    @Inject
    Transactions transactions;

    @Test
    void aPartnersSegmentCampaignCountsOnlyMembersWhoShareWithIt() {
        String run = "pop-" + UUID.randomUUID().toString().substring(0, 8);
        String partner = run + "-partner";
        Instant start = Instant.now().minus(10, ChronoUnit.DAYS);
        Instant end = Instant.now().plus(10, ChronoUnit.DAYS);
        transactions.run(c -> Sql.update(
                c,
                "INSERT INTO member_dim (member_id, joined_at, personalization, share_with_all_partners, "
                        + "shared_partner_ids, segment) VALUES "
                        + "(? || '-sharing', now() - interval '30 days', true, false, ARRAY[?], 'DORMANT'), "
                        + "(? || '-everyone', now() - interval '30 days', true, true, '{}', 'DORMANT'), "
                        + "(? || '-other', now() - interval '30 days', true, false, ARRAY['someone-else'], 'DORMANT'), "
                        + "(? || '-private', now() - interval '30 days', false, true, ARRAY[?], 'DORMANT'), "
                        + "(? || '-active', now() - interval '30 days', true, true, '{}', 'ACTIVE')",
                run,
                partner,
                run,
                run,
                run,
                partner,
                run));
        assertEquals(Set.of(run + "-sharing", run + "-everyone"), population(partner, run, end, start));
        // the network's segment campaign is paid at whichever partner the purchase is: everyone of the segment
        assertEquals(
                Set.of(run + "-sharing", run + "-everyone", run + "-other", run + "-private"),
                population(null, run, end, start));
    }

    private Set<String> population(String partner, String run, Instant end, Instant start) {
        CampaignRepository.Campaign k = new CampaignRepository.Campaign(
                run + "-k", partner, "come back", start, end, "SEGMENT", "DORMANT", BigDecimal.ONE, null, null);
        List<Object> params = new ArrayList<>();
        String sql = CampaignRepository.population(k, end, params);
        params.add(run + "%");
        List<String> members = transactions.run(c -> Sql.list(
                c,
                "SELECT member_id FROM (" + sql + ") p WHERE member_id LIKE ?",
                rs -> rs.getString(1),
                params.toArray()));
        return new TreeSet<String>(members);
    }
}
