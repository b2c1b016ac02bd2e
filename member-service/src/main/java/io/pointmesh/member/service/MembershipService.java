package io.pointmesh.member.service;

import io.pointmesh.events.member.CardReplaced;
import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.events.member.MemberLeft;
import io.pointmesh.events.member.MemberReferred;
import io.pointmesh.events.member.MemberReinstated;
import io.pointmesh.events.member.MemberSuspended;
import io.pointmesh.member.Card;
import io.pointmesh.member.CardNumber;
import io.pointmesh.member.Consent;
import io.pointmesh.member.Member;
import io.pointmesh.member.MemberStatus;
import io.pointmesh.member.config.MemberConfig;
import io.pointmesh.member.repository.GradeRepository;
import io.pointmesh.member.repository.MemberAuditRepository;
import io.pointmesh.member.repository.NotificationRepository;
import io.pointmesh.member.repository.ReferralRepository;
import io.pointmesh.platform.idempotency.RequestHash;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.util.List;
import java.util.Locale;

/**
 * Joining, the card, suspension and leaving. Every change is one transaction with its events in
 * the outbox: a join writes the member, the card, the initial consent and the referral, or nothing.
 */
@ApplicationScoped
public class MembershipService {

    private static final SecureRandom RANDOM = new SecureRandom();
    // no 0/O or 1/I: codes are read aloud and typed from screens
    private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /** What a person gives when joining (validated for shape by the REST layer, for sense here). */
    public record JoinCommand(
            String name,
            String mobileNumber,
            String email,
            Integer birthYear,
            String gender,
            String region,
            String referralCode) {}

    @Inject
    MemberConfig config;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    ConsentService consents;

    @Inject
    ReferralRepository referrals;

    @Inject
    NotificationRepository notifications;

    @Inject
    MemberAuditRepository audit;

    @Inject
    GradeRepository grades;

    @WithTransaction
    public Uni<Member> join(String subject, JoinCommand cmd) {
        int thisYear = Year.now(clock.withZone(config.zone())).getValue();
        if (cmd.birthYear() != null
                && (cmd.birthYear() < thisYear - 120 || cmd.birthYear() > thisYear - config.minimumAge())) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "birthYear",
                            "between " + (thisYear - 120) + " and " + (thisYear - config.minimumAge())
                                    + " (members are at least " + config.minimumAge() + ")"));
        }
        Instant now = clock.instant();
        return Member.<Member>findById(subject)
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom()
                                .failure(
                                        existing.status == MemberStatus.LEFT
                                                ? ProblemException.conflict(
                                                        "account-left",
                                                        "this account left the network; joining again needs a new account")
                                                : ProblemException.conflict(
                                                        "already-joined", "this account is already a member"));
                    }
                    return Member.count("mobileNumber", cmd.mobileNumber());
                })
                .chain(sameMobile -> sameMobile > 0
                        ? Uni.createFrom()
                                .failure(ProblemException.conflict(
                                        "duplicate-mobile-number", "another member already has this mobile number"))
                        : referrer(cmd, now))
                .chain(referrer -> newReferralCode().chain(code -> {
                    Member m = new Member();
                    m.id = subject;
                    m.subject = subject;
                    m.name = cmd.name().strip();
                    m.mobileNumber = cmd.mobileNumber();
                    m.email = cmd.email() == null ? null : cmd.email().strip().toLowerCase(Locale.ROOT);
                    m.birthYear = cmd.birthYear();
                    m.gender = cmd.gender();
                    m.region = cmd.region();
                    m.referralCode = code;
                    m.referredBy = referrer == null ? null : referrer.id;
                    m.status = MemberStatus.ACTIVE;
                    m.grade = "GENERAL";
                    m.joinedAt = now;
                    m.updatedAt = now;
                    Card card = newCard(subject, now);
                    return m.<Member>persist()
                            .call(card::persist)
                            .call(() -> consents.start(subject, now))
                            .call(() -> referrer == null
                                    ? Uni.createFrom().voidItem()
                                    : recordReferral(subject, referrer.id, now))
                            // demographics travel only once the member allows personalization (member.profile-changed)
                            .call(() -> outbox.publish(
                                    new MemberJoined(subject, card.cardNumber, code, m.referredBy, null, null, null)))
                            .call(() -> referrer == null
                                    ? Uni.createFrom().voidItem()
                                    : outbox.publish(new MemberReferred(subject, referrer.id)))
                            .call(() -> Panache.getSession().chain(s -> s.flush()));
                }));
    }

    /**
     * The referrer behind a code, if any, with the rules: the code exists and its member is active,
     * it is not the joiner's own (the same phone or e-mail under another account), and the referrer
     * is under the yearly limit (their row is locked, so concurrent joins count one after another).
     * Loops cannot form: a referral is only made when joining, to someone who joined before.
     */
    private Uni<Member> referrer(JoinCommand cmd, Instant now) {
        if (cmd.referralCode() == null || cmd.referralCode().isBlank()) {
            return Uni.createFrom().nullItem();
        }
        String code = cmd.referralCode().strip().toUpperCase(Locale.ROOT);
        return Member.<Member>find("referralCode", code)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult()
                .chain(referrer -> {
                    if (referrer == null || referrer.status != MemberStatus.ACTIVE) {
                        return Uni.createFrom()
                                .failure(ProblemException.unprocessable(
                                        "unknown-referral-code",
                                        "Unknown referral code",
                                        "no active member has the referral code " + code));
                    }
                    Instant yearStart = Year.now(clock.withZone(config.zone()))
                            .atDay(1)
                            .atStartOfDay(config.zone())
                            .toInstant();
                    return referrals.countSince(referrer.id, yearStart).map(count -> {
                        if (count >= config.referralYearlyLimit()) {
                            throw ProblemException.unprocessable(
                                    "referral-limit-reached",
                                    "Referral limit reached",
                                    "this referrer has referred " + config.referralYearlyLimit()
                                            + " members this year; join without the code");
                        }
                        // the referrer's own e-mail under another account: the join goes on without the referral,
                        // answered as any join (a refusal told a stranger whose e-mail a published code belongs to);
                        // after the limit's check, so that its answer does not depend on the e-mail either
                        boolean self = referrer.mobileNumber.equals(cmd.mobileNumber())
                                || referrer.email != null && referrer.email.equalsIgnoreCase(cmd.email());
                        return self ? null : referrer;
                    });
                });
    }

    private Uni<Void> recordReferral(String referred, String referrer, Instant now) {
        return referrals.insert(referred, referrer, now).replaceWithVoid();
    }

    /** A fresh referral code; a collision (1 in 32^8 per member) draws again. */
    private Uni<String> newReferralCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        return Member.count("referralCode", code.toString())
                .chain(n -> n == 0 ? Uni.createFrom().item(code.toString()) : newReferralCode());
    }

    /** A new card number; the primary key catches the (1 in 10^11) collision and the request can be repeated. */
    private Card newCard(String memberId, Instant now) {
        Card card = new Card();
        card.cardNumber = CardNumber.generate(config.cardPrefix());
        card.memberId = memberId;
        card.status = Card.ACTIVE;
        card.issuedAt = now;
        return card;
    }

    /** The signed-in member (any status but LEFT). */
    @WithSession
    public Uni<Member> me(String subject) {
        return Member.<Member>findById(subject).map(MembershipService::joined);
    }

    /** The member, or 404 not-joined for an account that never joined or left. */
    static Member joined(Member m) {
        if (m == null || m.status == MemberStatus.LEFT) {
            throw new ProblemException(
                    404,
                    "not-joined",
                    "Not a member yet",
                    "this account has not joined the network: POST /members/v1/me",
                    null);
        }
        return m;
    }

    @WithSession
    public Uni<Card> activeCard(String memberId) {
        return Card.<Card>find("memberId = ?1 and status = ?2", memberId, Card.ACTIVE)
                .firstResult();
    }

    /** A replacement's answer: the card, and whether it is an earlier request's, answered again. */
    public record Replacement(Card card, boolean replayed) {}

    /**
     * Lost card: the old number is blocked and a new one issued; the points stay (the ledger follows by event).
     * With an idempotency key, a retry (a double tap, a timeout) answers the card the key issued instead of
     * replacing that one too. With a card number, only that card is replaced: a request made before another
     * replacement is 409 card-replaced, not a third card.
     */
    @WithTransaction
    public Uni<Replacement> replaceCard(String subject, String idempotencyKey, String cardNumber) {
        Instant now = clock.instant();
        String requestHash = RequestHash.of("card-replacement", cardNumber);
        // the member row first, as leaving takes it: a replacement racing a leave waits for it and finds
        // the member gone, instead of issuing an ACTIVE card to a member who left. It also serialises one
        // member's replacements, so a retry with the key finds the card the first one issued
        return Member.<Member>findById(subject, LockModeType.PESSIMISTIC_WRITE)
                .map(MembershipService::joined)
                .chain(m -> (idempotencyKey == null
                                ? Uni.createFrom().<Card>nullItem()
                                : Card.<Card>find("memberId = ?1 and idempotencyKey = ?2", m.id, idempotencyKey)
                                        .firstResult())
                        .chain(issued -> {
                            if (issued != null) {
                                if (!issued.requestHash.equals(requestHash)) {
                                    return Uni.createFrom()
                                            .failure(
                                                    ProblemException.conflict(
                                                            "idempotency-key-reused",
                                                            "the Idempotency-Key was used for another card replacement request"));
                                }
                                return Uni.createFrom().item(new Replacement(issued, true));
                            }
                            return replace(m, now, idempotencyKey, requestHash, cardNumber)
                                    .map(card -> new Replacement(card, false));
                        }));
    }

    private Uni<Card> replace(Member m, Instant now, String idempotencyKey, String requestHash, String cardNumber) {
        return Card.<Card>find("memberId = ?1 and status = ?2", m.id, Card.ACTIVE)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult()
                .chain(old -> {
                    if (old == null) {
                        // a concurrent replacement blocked it first
                        return Uni.createFrom()
                                .failure(ProblemException.conflict(
                                        "card-replaced",
                                        "the card was just replaced; GET /members/v1/me shows the new one"));
                    }
                    if (cardNumber != null && !cardNumber.equals(old.cardNumber)) {
                        // the app's request predates another replacement: that card is blocked already, and the new one
                        // stays
                        return Uni.createFrom()
                                .failure(
                                        ProblemException.conflict(
                                                "card-replaced",
                                                "card " + cardNumber
                                                        + " is not your active card (it was replaced, or is not yours); GET /members/v1/me shows the one you have"));
                    }
                    old.block(now);
                    Card card = newCard(m.id, now);
                    card.idempotencyKey = idempotencyKey;
                    card.requestHash = idempotencyKey == null ? null : requestHash;
                    // the old card's block is flushed before the new ACTIVE card (one active card per member)
                    return Panache.getSession()
                            .chain(s -> s.flush())
                            .chain(() -> card.<Card>persist())
                            .call(() -> outbox.publish(new CardReplaced(m.id, old.cardNumber, card.cardNumber)));
                });
    }

    /**
     * Leaving for good: personal data erased here (profile, consent history, inbox), cards blocked,
     * and {@code member.left} makes every other service erase what it holds; the ledger forfeits the
     * remaining points. The identity account is removed by {@code IdentityErasureConsumer}.
     */
    @WithTransaction
    public Uni<Void> leave(String subject) {
        Instant now = clock.instant();
        // the member row is locked first: an inbox write racing the leave waits for it, then sees LEFT
        return Member.<Member>findById(subject, LockModeType.PESSIMISTIC_WRITE)
                .map(MembershipService::joined)
                .chain(m -> {
                    m.erase(now);
                    return Card.update(
                                    "status = ?1, blockedAt = ?2 where memberId = ?3 and status = ?4",
                                    Card.BLOCKED,
                                    now,
                                    m.id,
                                    Card.ACTIVE)
                            .chain(() -> notifications.deleteByMember(m.id))
                            .chain(() -> consents.erase(m.id))
                            .chain(() -> outbox.publish(new MemberLeft(m.id)))
                            .replaceWithVoid();
                });
    }

    @WithTransaction
    public Uni<Member> suspend(String memberId, String actor, String reason) {
        return transition(memberId, MemberStatus.ACTIVE, MemberStatus.SUSPENDED, "SUSPENDED", actor, reason)
                .call(m -> outbox.publish(new MemberSuspended(m.id, actor, reason)));
    }

    @WithTransaction
    public Uni<Member> reinstate(String memberId, String actor, String reason) {
        return transition(memberId, MemberStatus.SUSPENDED, MemberStatus.ACTIVE, "REINSTATED", actor, reason)
                .call(m -> outbox.publish(new MemberReinstated(m.id, actor, reason)));
    }

    private Uni<Member> transition(
            String memberId, MemberStatus from, MemberStatus to, String action, String actor, String reason) {
        Instant now = clock.instant();
        return Member.<Member>findById(memberId, LockModeType.PESSIMISTIC_WRITE).chain(m -> {
            if (m == null || m.status == MemberStatus.LEFT) {
                return Uni.createFrom().failure(ProblemException.notFound("member", memberId));
            }
            if (m.status != from) {
                return Uni.createFrom()
                        .failure(ProblemException.conflict("invalid-transition", "the member is " + m.status));
            }
            m.status = to;
            m.updatedAt = now;
            return audit.insert(memberId, action, actor, reason, now).replaceWith(m);
        });
    }

    /** Operators: by mobile number or card number exactly, or by a part of the name. */
    @WithSession
    public Uni<List<Member>> search(String query, int limit) {
        if (query == null || query.isBlank()) {
            return Member.<Member>find("status <> ?1 order by joinedAt desc, id", MemberStatus.LEFT)
                    .range(0, limit - 1)
                    .list();
        }
        String q = query.strip();
        return Member.<Member>find(
                        "status <> ?1 and (mobileNumber = ?2 or id in (select c.memberId from Card c where c.cardNumber = ?2) "
                                // the escape said out loud: Hibernate otherwise writes ESCAPE '', and the backslashes
                                // below were matched as characters (a search for "a_b" found no "a_b")
                                + "or lower(name) like ?3 escape '\\') order by joinedAt desc, id",
                        MemberStatus.LEFT,
                        q,
                        "%" + q.toLowerCase(Locale.ROOT).replace("%", "\\%").replace("_", "\\_") + "%")
                .range(0, limit - 1)
                .list();
    }

    /** A member as operators see them, with every card they had, newest first. */
    public record MemberRecord(Member member, List<Card> cards) {}

    /** Operators: one member; one who left is not found, as in a search (nothing of the person is left to show). */
    @WithSession
    public Uni<MemberRecord> forOperator(String memberId) {
        return present(memberId)
                .chain(m -> Card.<Card>find("memberId = ?1 order by issuedAt desc, cardNumber", m.id)
                        .list()
                        .map(cards -> new MemberRecord(m, cards)));
    }

    /** Operators: their actions on a member, newest first; a member who left is not found. */
    @WithSession
    public Uni<List<MemberAuditRepository.Entry>> auditTrail(String memberId, int offset, int limit) {
        return present(memberId).chain(m -> audit.byMember(m.id, offset, limit));
    }

    private Uni<Member> present(String memberId) {
        return Member.<Member>findById(memberId).map(m -> {
            if (m == null || m.status == MemberStatus.LEFT) {
                throw ProblemException.notFound("member", memberId);
            }
            return m;
        });
    }

    /** A card as a partner's POS sees it: the card and its member, if the card is known. */
    public record CardHolder(Card card, Member member, Consent consent) {}

    @WithSession
    public Uni<CardHolder> cardHolder(String cardNumber) {
        if (!CardNumber.isValid(cardNumber)) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField("cardNumber", "16 digits with a valid check digit"));
        }
        return Card.<Card>findById(cardNumber).chain(card -> {
            if (card == null) {
                return Uni.createFrom().failure(ProblemException.notFound("card", cardNumber));
            }
            return Member.<Member>findById(card.memberId)
                    .chain(m -> Consent.<Consent>findById(card.memberId).map(c -> new CardHolder(card, m, c)));
        });
    }

    /** The member with their active card and the network's latest grade thresholds (grade -> minimum net spend). */
    public record Standing(Member member, Card card, java.util.Map<String, java.math.BigDecimal> thresholds) {}

    @WithSession
    public Uni<Standing> standing(String subject) {
        return me(subject)
                .chain(m -> activeCard(m.id)
                        .chain(card -> grades.thresholds().map(thresholds -> new Standing(m, card, thresholds))));
    }

    /** Today's date where the network runs (for ages and years). */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(config.zone()));
    }
}
