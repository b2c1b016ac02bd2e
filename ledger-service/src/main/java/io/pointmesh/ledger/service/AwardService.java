package io.pointmesh.ledger.service;

import io.pointmesh.events.Grade;
import io.pointmesh.events.Segment;
import io.pointmesh.events.partner.FundedBy;
import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.ledger.repository.AwardRepository;
import io.pointmesh.ledger.repository.AwardRepository.Audience;
import io.pointmesh.ledger.repository.AwardRepository.AwardRow;
import io.pointmesh.ledger.repository.AwardRepository.Resolved;
import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.service.Ledger.DuplicateRequest;
import io.pointmesh.ledger.service.Ledger.Outcome;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.problem.ProblemException;
import io.pointmesh.platform.sql.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Bulk awards (docs/ledger.md, "Bulk awards"): accepting one (validated, idempotent on the caller's
 * award id, its audience resolved into rows in the request's transaction) and reading its progress.
 * The crediting is {@link AwardWorker}'s.
 */
@ApplicationScoped
public class AwardService {

    /** The scope of an operator's award ids (a partner's awards are scoped by its partner id). */
    public static final String NETWORK = "network";

    /** Who asks: an operator (partnerId null) or a partner (its token's partner id). */
    public record Requester(String partnerId, String actor) {
        public static Requester operator(String actor) {
            return new Requester(null, actor);
        }

        boolean isPartner() {
            return partnerId != null;
        }

        String owner() {
            return isPartner() ? partnerId : NETWORK;
        }
    }

    /** The request as given (the REST layer's body, unchecked). */
    public record AwardCommand(
            String awardId,
            Long points,
            String reason,
            String campaignRef,
            String fundedBy,
            String partnerId,
            List<String> memberIds,
            String grade,
            String segment,
            String asOf) {}

    /** An award as it stands; {@code skippedByReason} only for operators (a partner sees counts). */
    public record AwardStatus(AwardRow award, Map<String, Integer> skippedByReason) {}

    @Inject
    Transactions transactions;

    @Inject
    AwardRepository awards;

    @Inject
    DirectoryRepository directory;

    @Inject
    Ledger ledger;

    @Inject
    LedgerConfig config;

    public Outcome<AwardStatus> create(Requester who, AwardCommand cmd) {
        Validated v = validate(who, cmd);
        try {
            return transactions.run(c -> {
                Optional<AwardRow> stored = awards.find(c, who.owner(), v.awardId);
                if (stored.isPresent()) {
                    return replay(c, who, stored.get(), v.hash);
                }
                if (v.fundedBy == FundedBy.PARTNER) {
                    ParticipantCheck.requireActivePartner(v.partnerId, directory.partner(c, v.partnerId));
                }
                UUID id = UUID.randomUUID();
                AwardRow row = new AwardRow(
                        id,
                        who.owner(),
                        v.awardId,
                        v.hash,
                        v.points,
                        v.reason,
                        v.campaignRef,
                        v.fundedBy.name(),
                        v.partnerId,
                        v.audience.name(),
                        v.audienceValue,
                        v.asOf,
                        who.actor(),
                        "PENDING",
                        0,
                        0,
                        0,
                        0,
                        ledger.now(),
                        null,
                        null,
                        null,
                        null);
                if (!awards.insertAward(c, row)) {
                    throw new DuplicateRequest(); // a twin committed first: answer from it
                }
                LocalDate today = LocalDate.ofInstant(ledger.now(), ledger.zone());
                if (v.audience != Audience.MEMBERS && v.asOf.isBefore(today)) {
                    // the first whole day the history covers: the one after it began, in the ledger's zone
                    LocalDate since = LocalDate.ofInstant(awards.standingHistorySince(c), ledger.zone())
                            .plusDays(1);
                    if (v.asOf.isBefore(since)) {
                        throw ProblemException.unprocessable(
                                "as-of-not-supported",
                                "Standing not known then",
                                "the ledger has kept members' grades and segments since " + since + ", not as of "
                                        + v.asOf);
                    }
                }
                Resolved resolved = v.audience == Audience.MEMBERS
                        ? awards.resolveMembers(c, id, v.memberIds, who.partnerId())
                        : v.asOf.isBefore(today)
                                ? awards.resolveStandingAsOf(
                                        c,
                                        id,
                                        v.audience,
                                        v.audienceValue,
                                        v.asOf,
                                        v.asOf.plusDays(1)
                                                .atStartOfDay(ledger.zone())
                                                .toInstant(),
                                        who.partnerId())
                                : awards.resolveStanding(c, id, v.audience, v.audienceValue, who.partnerId());
                if (resolved.members() == 0) {
                    throw ProblemException.unprocessable(
                            "empty-audience",
                            "Empty audience",
                            "no member is " + v.audienceValue.toLowerCase() + " (as the ledger knows it as of " + v.asOf
                                    + ")" + (who.isPartner() ? " among the partner's customers" : ""));
                }
                awards.recordResolved(c, id, resolved, ledger.now());
                return new Outcome<>(status(c, who, awards.find(c, id).orElseThrow()), false);
            });
        } catch (DuplicateRequest twin) {
            return transactions.run(
                    c -> replay(c, who, awards.find(c, who.owner(), v.awardId).orElseThrow(), v.hash));
        }
    }

    /** The stored award for a retry with the same body; 409 {@code idempotency-key-reused} for another body. */
    private Outcome<AwardStatus> replay(Connection c, Requester who, AwardRow stored, String hash) throws SQLException {
        Postings.replay(stored, stored.requestHash(), hash, stored.awardId());
        return new Outcome<>(status(c, who, stored), true);
    }

    /**
     * The award with the caller's id: operators read the network's awards, or a partner's with
     * {@code partnerId}; a partner only its own (anything else is "not found").
     */
    public AwardStatus get(Requester who, String awardId, String partnerId) {
        String owner = ownerFor(who, awardId, partnerId);
        return transactions.run(c -> status(
                c, who, awards.find(c, owner, awardId).orElseThrow(() -> ProblemException.notFound("award", awardId))));
    }

    /**
     * Stops an award: members not yet credited are not credited (SKIPPED {@code award-cancelled});
     * those credited keep their points. Cancelling a cancelled award answers it as it stands; a
     * finished one cannot be cancelled (409 {@code award-finished}). Scoped as {@link #get}.
     */
    public AwardStatus cancel(Requester who, String awardId, String partnerId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.invalidField("reason", "required, 1 to 500 characters");
        }
        String owner = ownerFor(who, awardId, partnerId);
        return transactions.run(c -> {
            AwardRow a = awards.find(c, owner, awardId).orElseThrow(() -> ProblemException.notFound("award", awardId));
            if (a.cancelledAt() != null) {
                return status(c, who, a);
            }
            if ("DONE".equals(a.status())) {
                throw ProblemException.conflict(
                        "award-finished", "every member of this award is already credited or skipped");
            }
            if (!awards.cancel(c, a.id(), who.actor(), reason.strip(), ledger.now())) {
                AwardRow now = awards.find(c, a.id()).orElseThrow();
                if (now.cancelledAt() == null) {
                    // the last batch finished it meanwhile: nothing was left to cancel
                    throw ProblemException.conflict(
                            "award-finished", "every member of this award is already credited or skipped");
                }
                // a twin cancelled it first: its name and reason stand
                return status(c, who, now);
            }
            return status(c, who, awards.find(c, a.id()).orElseThrow());
        });
    }

    private String ownerFor(Requester who, String awardId, String partnerId) {
        if (who.isPartner()) {
            if (partnerId != null && !partnerId.equals(who.partnerId())) {
                throw ProblemException.notFound("award", awardId);
            }
            return who.partnerId();
        }
        return partnerId == null || partnerId.isBlank() ? NETWORK : partnerId;
    }

    private AwardStatus status(Connection c, Requester who, AwardRow a) throws SQLException {
        return new AwardStatus(a, who.isPartner() ? null : awards.skippedByReason(c, a.id()));
    }

    // ------------------------------------------------------------------ validation

    private record Validated(
            String awardId,
            long points,
            String reason,
            String campaignRef,
            FundedBy fundedBy,
            String partnerId,
            Audience audience,
            String audienceValue,
            List<String> memberIds,
            LocalDate asOf,
            String hash) {}

    private Validated validate(Requester who, AwardCommand cmd) {
        if (cmd.awardId() == null || cmd.awardId().isBlank() || cmd.awardId().length() > 100) {
            throw ProblemException.invalidField("awardId", "required, 1 to 100 characters");
        }
        long max = config.awards().maxPoints();
        if (cmd.points() == null || cmd.points() <= 0 || cmd.points() > max) {
            throw ProblemException.invalidField("points", "a whole number from 1 to " + max + " per member");
        }
        if (cmd.reason() == null || cmd.reason().isBlank() || cmd.reason().length() > 500) {
            throw ProblemException.invalidField("reason", "required, at most 500 characters");
        }
        if (cmd.campaignRef() != null
                && (cmd.campaignRef().isBlank() || cmd.campaignRef().length() > 100)) {
            throw ProblemException.invalidField("campaignRef", "1 to 100 characters when given");
        }
        FundedBy fundedBy = parse(FundedBy.class, "fundedBy", cmd.fundedBy());
        String partnerId = cmd.partnerId() == null || cmd.partnerId().isBlank() ? null : cmd.partnerId();
        if (who.isPartner()) {
            if (fundedBy == FundedBy.NETWORK) {
                throw ProblemException.forbidden(
                        "network-funding-forbidden", "a partner's award is funded by the partner itself");
            }
            if (partnerId != null && !partnerId.equals(who.partnerId())) {
                throw ProblemException.forbidden("other-partner", "a partner may only fund awards itself");
            }
            partnerId = who.partnerId();
        } else if (fundedBy == FundedBy.PARTNER && partnerId == null) {
            throw ProblemException.invalidField(
                    "partnerId", "the funding partner is required when fundedBy is PARTNER");
        } else if (fundedBy == FundedBy.NETWORK && partnerId != null) {
            throw ProblemException.invalidField("partnerId", "a network-funded award names no partner");
        }
        int given = (cmd.memberIds() != null ? 1 : 0) + (cmd.grade() != null ? 1 : 0) + (cmd.segment() != null ? 1 : 0);
        if (given != 1) {
            throw ProblemException.invalidField("audience", "exactly one of memberIds, grade or segment");
        }
        Audience audience;
        String value = null;
        List<String> memberIds = null;
        LocalDate asOf = null;
        if (cmd.memberIds() != null) {
            int maxMembers = config.awards().maxMembers();
            if (cmd.memberIds().isEmpty() || cmd.memberIds().size() > maxMembers) {
                throw ProblemException.invalidField("audience.memberIds", "1 to " + maxMembers + " member ids");
            }
            for (String m : cmd.memberIds()) {
                if (m == null || m.isBlank() || m.length() > 100) {
                    throw ProblemException.invalidField(
                            "audience.memberIds", "each a member id of 1 to 100 characters");
                }
            }
            if (cmd.asOf() != null) {
                throw ProblemException.invalidField("audience.asOf", "only for a grade or segment audience");
            }
            audience = Audience.MEMBERS;
            memberIds = cmd.memberIds();
        } else {
            audience = cmd.grade() != null ? Audience.GRADE : Audience.SEGMENT;
            value = audience == Audience.GRADE
                    ? parse(Grade.class, "audience.grade", cmd.grade()).name()
                    : parse(Segment.class, "audience.segment", cmd.segment()).name();
            asOf = asOf(cmd.asOf());
        }
        String hash = RequestHash.of(
                cmd.points(),
                cmd.reason(),
                cmd.campaignRef(),
                fundedBy,
                partnerId,
                audience,
                value,
                memberIds == null ? null : String.join("\u001e", memberIds),
                cmd.asOf());
        return new Validated(
                cmd.awardId(),
                cmd.points(),
                cmd.reason(),
                cmd.campaignRef(),
                fundedBy,
                partnerId,
                audience,
                value,
                memberIds,
                asOf,
                hash);
    }

    /**
     * The date an audience's grade or segment is taken at: today (the ledger's zone) when omitted;
     * a past date is answered from the history of grades and segments the ledger keeps (V13), back
     * to the day it began keeping it (earlier: 422 {@code as-of-not-supported}, checked with the
     * history's start in the award's transaction); a future date is 422 {@code as-of-not-supported}.
     */
    private LocalDate asOf(String given) {
        LocalDate today = LocalDate.ofInstant(ledger.now(), ledger.zone());
        // absent or blank: today (TimeParams.date answers null for blank)
        LocalDate asOf = given == null ? null : io.pointmesh.platform.problem.TimeParams.date("audience.asOf", given);
        if (asOf == null) {
            return today;
        }
        if (asOf.isAfter(today)) {
            throw ProblemException.unprocessable(
                    "as-of-not-supported",
                    "Standing not known yet",
                    "members' grades and segments are known up to today (" + today
                            + ", Asia/Seoul by default), not as of " + asOf);
        }
        return asOf;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        if (value != null) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(value)) {
                    return e;
                }
            }
        }
        throw ProblemException.invalidField(
                field, "one of " + Arrays.toString(type.getEnumConstants()).replaceAll("[\\[\\]]", ""));
    }
}
