package io.pointmesh.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository.EarnDirectory;
import io.pointmesh.ledger.service.ParticipantCheck;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Sql;
import io.pointmesh.platform.sql.Transactions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Earn reads its whole directory in one statement ({@link DirectoryRepository#earnDirectory}); this
 * property holds it to the six single reads it replaced, over partners, stores, cards, members,
 * rule versions and campaigns in every state (unknown, blocked, suspended, closed, ended, not yet
 * started, network-wide, decimal multipliers), and checks that the checks on it answer the same
 * problem as the checks on the single reads.
 */
class EarnDirectoryTest {

    static final String DB = "pointmesh_ledger_earn_directory";
    static Transactions transactions;
    static final DirectoryRepository directory = new DirectoryRepository();
    static final ParticipantCheck participants =
            LedgerAuditorTest.wire(new ParticipantCheck(), java.util.Map.of("directory", directory));

    static final String[] PARTNERS = {"p-active", "p-suspended", "p-unknown", "p-norule"};
    static final String[] STORES = {"S1", "S2", "S-closed", "S-unknown", "", null};
    static final String[] CARDS = {"c-1", "c-2", "c-blocked", "c-left", "c-unknown", "", null};
    static final String[] MEMBERS = {"m-1", "m-2", "m-suspended", "m-left", "m-unknown", "", null};
    static final Instant[] TIMES = {
        Instant.parse("2025-06-01T00:00:00Z"),
        Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-02-15T12:00:00Z"),
        Instant.parse("2026-03-01T00:00:00Z"),
        Instant.parse("2026-12-31T00:00:00Z")
    };

    @BeforeContainer
    static void database() {
        transactions = new Transactions(ScratchLedgerDatabase.migrated(DB));
        transactions.run(c -> {
            Sql.update(
                    c,
                    "INSERT INTO partner_directory (partner_id, legal_name, category, status, updated_at) VALUES "
                            + "('p-active', 'Active', 'fuel', 'ACTIVE', now()), ('p-suspended', 'Suspended', 'mart', 'SUSPENDED', now()), "
                            + "('p-norule', 'No rule', NULL, 'ACTIVE', now())");
            Sql.update(
                    c,
                    "INSERT INTO store_directory (partner_id, store_code, name, channel, open, updated_at) VALUES "
                            + "('p-active', 'S1', 's', 'OFFLINE', true, now()), ('p-active', 'S2', 's', 'ONLINE', true, now()), "
                            + "('p-active', 'S-closed', 's', 'OFFLINE', false, now()), ('p-suspended', 'S1', 's', 'OFFLINE', true, now()), "
                            + "('p-norule', 'S1', 's', 'OFFLINE', true, now())");
            Sql.update(
                    c,
                    "INSERT INTO earn_rule (partner_id, version, base_rate, store_rates, category_rates, minimum_purchase, "
                            + "per_transaction_cap, pending_days, validity_months, backdating_days, effective_from) VALUES "
                            + "('p-active', 1, 0.01, '{}', '{}', 0, NULL, 0, 60, 30, '2026-01-01T00:00:00Z'), "
                            + "('p-active', 2, 0.015, 'S2=0.03', 'fuel=0.02', 5000, 10000, 3, 24, 0, '2026-02-01T00:00:00Z'), "
                            + "('p-active', 3, 0.02, '{}', '{}', 0, NULL, 0, 60, 7, '2026-02-01T00:00:00Z'), "
                            + "('p-suspended', 1, 0.01, '{}', '{}', 0, NULL, 0, 60, 30, '2025-01-01T00:00:00Z')");
            Sql.update(
                    c,
                    "INSERT INTO campaign (campaign_id, partner_id, name, bonus_kind, multiplier, fixed_points, starts_at, "
                            + "ends_at, target, target_value, budget_points, treatment_share, funded_by, ended) VALUES "
                            + "('k-mult', 'p-active', 'x', 'MULTIPLIER', 1.25, 0, '2026-01-01', '2026-03-01', 'EVERYONE', NULL, 0, 1, 'PARTNER', false), "
                            + "('k-fixed', 'p-active', 'x', 'FIXED', NULL, 300, '2026-02-01', '2026-12-31', 'GRADE', 'VIP', 5000, 0.5, 'PARTNER', false), "
                            + "('k-ended', 'p-active', 'x', 'FIXED', NULL, 100, '2026-01-01', '2027-01-01', 'EVERYONE', NULL, 0, 1, 'PARTNER', true), "
                            + "('k-network', NULL, 'x', 'MULTIPLIER', 2.000, 0, '2025-01-01', '2027-01-01', 'SEGMENT', 'ACTIVE', 0, 0.25, 'NETWORK', false), "
                            + "('k-other', 'p-suspended', 'x', 'FIXED', NULL, 10, '2025-01-01', '2027-01-01', 'EVERYONE', NULL, 0, 1, 'PARTNER', false)");
            Sql.update(
                    c,
                    "INSERT INTO member_directory (member_id, status, grade, segment, first_earning_id, joined_at) VALUES "
                            + "('m-1', 'ACTIVE', 'VIP', 'ACTIVE', gen_random_uuid(), now()), ('m-2', 'ACTIVE', 'GENERAL', NULL, NULL, now()), "
                            + "('m-suspended', 'SUSPENDED', 'GENERAL', NULL, NULL, now()), ('m-left', 'LEFT', 'GENERAL', NULL, NULL, now())");
            // consents: m-1 shares with p-active only, m-2 with every partner but without personalization
            Sql.update(
                    c,
                    "UPDATE member_directory SET personalization = (member_id = 'm-1'), share_with_all_partners = "
                            + "(member_id = 'm-2'), shared_partner_ids = CASE WHEN member_id = 'm-1' THEN "
                            + "ARRAY['p-active'] ELSE '{}' END");
            Sql.update(
                    c,
                    "INSERT INTO card (card_number, member_id, status) VALUES ('c-1', 'm-1', 'ACTIVE'), "
                            + "('c-2', 'm-2', 'ACTIVE'), ('c-blocked', 'm-1', 'BLOCKED'), ('c-left', 'm-left', 'ACTIVE')");
            // p-active's "tx-stored" was earned before: a retry of it is seen by the same read
            Sql.update(
                    c,
                    "INSERT INTO earning (id, partner_id, partner_tx_id, request_hash, member_id, store_code, amount, "
                            + "currency, occurred_at, points, base_points, partner_points, network_points, bonuses, "
                            + "grade_multiplier, available_at, expires_at, posted_at) VALUES (gen_random_uuid(), 'p-active', "
                            + "'tx-stored', 'h', 'm-1', 'S1', 10000, 'KRW', now(), 100, 100, 100, 0, '', 1, now(), "
                            + "now() + interval '1 year', now())");
            return null;
        });
    }

    // every combination (4 x 6 x 7 x 7 x 5 x 2 = 11,760), not a sample
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void oneReadAnswersWhatTheSixSingleReadsAnswer(
            @ForAll @IntRange(min = 0, max = 3) int partner,
            @ForAll @IntRange(min = 0, max = 5) int store,
            @ForAll @IntRange(min = 0, max = 6) int card,
            @ForAll @IntRange(min = 0, max = 6) int member,
            @ForAll @IntRange(min = 0, max = 4) int time,
            @ForAll boolean retry) {
        String partnerTxId = retry ? "tx-stored" : "tx-new";
        String partnerId = PARTNERS[partner];
        String storeCode = STORES[store];
        String cardNumber = CARDS[card];
        String memberId = MEMBERS[member];
        Instant at = TIMES[time];
        transactions.run(c -> {
            EarnDirectory read =
                    directory.earnDirectory(c, partnerId, partnerTxId, storeCode, cardNumber, memberId, at);
            assertEquals(
                    "p-active".equals(partnerId) && "tx-stored".equals(partnerTxId),
                    read.earningStored(),
                    "earning stored");
            assertEquals(directory.partner(c, partnerId), read.partner(), "partner");
            if (storeCode != null) {
                assertEquals(directory.storeOpen(c, partnerId, storeCode), read.storeOpen(), "store");
            }
            boolean byCard = cardNumber != null && !cardNumber.isBlank();
            var cardRead = byCard ? directory.card(c, cardNumber) : Optional.<DirectoryRepository.CardView>empty();
            assertEquals(cardRead, read.card(), "card");
            String id = byCard
                    ? cardRead.map(DirectoryRepository.CardView::memberId).orElse(null)
                    : memberId;
            var memberRead = id == null || id.isBlank()
                    ? Optional.<DirectoryRepository.MemberView>empty()
                    : directory.member(c, id);
            assertEquals(memberRead, read.member(), "member");
            assertEquals(directory.ruleAt(c, partnerId, at), read.rule(), "rule");
            assertEquals(directory.campaignsAt(c, partnerId, at), read.campaigns(), "campaigns");
            boolean recorded = memberRead.isPresent()
                    && Sql.one(
                                    c,
                                    "SELECT first_earning_id IS NOT NULL FROM member_directory "
                                            + "WHERE member_id = ?",
                                    rs -> rs.getBoolean(1),
                                    memberRead.get().memberId())
                            .orElse(false);
            assertEquals(recorded, read.firstEarningRecorded(), "first earning recorded");
            boolean shared = memberRead.isPresent()
                    && Sql.one(
                                    c,
                                    "SELECT personalization AND (share_with_all_partners OR ? = ANY (shared_partner_ids)) "
                                            + "FROM member_directory WHERE member_id = ?",
                                    rs -> rs.getBoolean(1),
                                    partnerId,
                                    memberRead.get().memberId())
                            .orElse(false);
            assertEquals(shared && read.partner().isPresent(), read.segmentShared(), "segment shared");

            // the checks on the one read refuse with the same problem as the checks on the single reads,
            // and both with the problem the fixture's states call for (written out below, not derived
            // from the code under test)
            String onTheOneRead = outcome(() -> {
                ParticipantCheck.requireActivePartner(partnerId, read.partner());
                ParticipantCheck.requireOpenStore(partnerId, storeCode, read.storeOpen());
                return ParticipantCheck.activeMember(cardNumber, memberId, read.card(), read.member())
                        .memberId();
            });
            assertEquals(
                    outcome(() -> {
                        participants.requireActivePartner(c, partnerId);
                        participants.requireOpenStore(c, partnerId, storeCode);
                        return participants
                                .activeMember(c, cardNumber, memberId)
                                .memberId();
                    }),
                    onTheOneRead);
            assertEquals(expected(partnerId, storeCode, cardNumber, memberId), onTheOneRead);
            return null;
        });
    }

    interface Check {
        Object run() throws Exception;
    }

    /** What a check answers: the member it found, or the problem it refused with. */
    static String outcome(Check check) {
        try {
            return "ok " + check.run();
        } catch (ProblemException e) {
            return e.status() + " " + e.code();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What the fixture's states call for, in the order the checks run (partner, store, card, member). */
    static String expected(String partnerId, String storeCode, String cardNumber, String memberId) {
        Map<String, String> partners = Map.of("p-active", "ACTIVE", "p-suspended", "SUSPENDED", "p-norule", "ACTIVE");
        Set<String> openStores = Set.of("p-active/S1", "p-active/S2", "p-suspended/S1", "p-norule/S1");
        Map<String, List<String>> cards = Map.of(
                "c-1", List.of("m-1", "ACTIVE"),
                "c-2", List.of("m-2", "ACTIVE"),
                "c-blocked", List.of("m-1", "BLOCKED"),
                "c-left", List.of("m-left", "ACTIVE"));
        Map<String, String> members =
                Map.of("m-1", "ACTIVE", "m-2", "ACTIVE", "m-suspended", "SUSPENDED", "m-left", "LEFT");
        if (!"ACTIVE".equals(partners.get(partnerId))) {
            return "422 partner-not-active";
        }
        if (storeCode == null || storeCode.isBlank()) {
            return "400 validation-failed";
        }
        if (!openStores.contains(partnerId + "/" + storeCode)) {
            return "422 unknown-store";
        }
        boolean byCard = cardNumber != null && !cardNumber.isBlank();
        boolean byId = memberId != null && !memberId.isBlank();
        if (byCard == byId) {
            return "400 validation-failed";
        }
        String id = memberId;
        if (byCard) {
            List<String> card = cards.get(cardNumber);
            if (card == null) {
                return "422 unknown-card";
            }
            if (!"ACTIVE".equals(card.get(1))) {
                return "422 card-blocked";
            }
            id = card.get(0);
        }
        String status = members.get(id);
        if (status == null || "LEFT".equals(status)) {
            return "422 unknown-member";
        }
        return "ACTIVE".equals(status) ? "ok " + id : "422 member-not-active";
    }
}
