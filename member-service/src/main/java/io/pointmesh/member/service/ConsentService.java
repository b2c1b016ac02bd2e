package io.pointmesh.member.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.events.member.MemberProfileChanged;
import io.pointmesh.member.Consent;
import io.pointmesh.member.Member;
import io.pointmesh.member.repository.ConsentHistoryRepository;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consent: marketing by channel, personalization, sharing with partners (all, or some). Every
 * change is kept with its time and published whole ({@code member.consent-changed}) in the same
 * transaction, so every service learns it at once.
 */
@ApplicationScoped
public class ConsentService {

    /** One past change: the complete choices after it. */
    public record Change(Instant changedAt, Map<String, Object> choices) {}

    static final int MAX_SHARED_PARTNERS = 100;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    ObjectMapper json;

    @Inject
    ConsentHistoryRepository consentHistory;

    /** A new member's consent: everything refused until they say otherwise. */
    Uni<Void> start(String memberId, Instant now) {
        Consent c = new Consent();
        c.memberId = memberId;
        c.updatedAt = now;
        return c.persist()
                .chain(() -> Panache.getSession().chain(s -> s.flush()))
                .chain(() -> record(c))
                .chain(() -> outbox.publish(c.event()))
                .replaceWithVoid();
    }

    /** A page of republished consents; {@code next} is the {@code after} of the next page, null at the end. */
    public record Republished(int republished, String next) {}

    /**
     * Publishes again, as {@code member.consent-changed}, the current consent of up to {@code limit}
     * members after {@code after} (by member id), in one transaction. For a service that began
     * reading consent after members had given it (the ledger's and analytics' joint campaigns):
     * consumers apply a consent whole, so one more copy of the current choices changes nothing
     * else. Paged so that a million members are a million events in bounded transactions.
     *
     * <p>The page is read FOR SHARE: an event's time is when it is published, and consumers keep the
     * later one, so a plain read could publish choices a member's change had just replaced, with a
     * later time, and undo it downstream. Locked, a change in progress is waited for and its choices
     * read; a change that comes after waits for this transaction and publishes later.
     */
    @WithTransaction
    public Uni<Republished> republish(String after, int limit) {
        return Consent.<Consent>find("memberId > ?1 order by memberId", after == null ? "" : after)
                .withLock(LockModeType.PESSIMISTIC_READ)
                .page(0, limit)
                .list()
                .chain(page -> {
                    Uni<Void> published = Uni.createFrom().voidItem();
                    for (Consent c : page) {
                        published =
                                published.chain(() -> outbox.publish(c.event()).replaceWithVoid());
                    }
                    String next = page.size() < limit ? null : page.get(page.size() - 1).memberId;
                    return published.replaceWith(new Republished(page.size(), next));
                });
    }

    @WithSession
    public Uni<Consent> current(String memberId) {
        return Consent.<Consent>findById(memberId)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("consent", memberId));
    }

    /**
     * Applies the keys given (the others keep their value). Unknown keys and wrong types are
     * refused before anything changes.
     */
    @WithTransaction
    public Uni<Consent> change(String memberId, Map<String, Object> changes) {
        if (changes == null || changes.isEmpty()) {
            return Uni.createFrom()
                    .failure(ProblemException.badRequest("no-consent-change", "give at least one of " + Consent.KEYS));
        }
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            if (!Consent.KEYS.contains(e.getKey())) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                e.getKey(), "not a consent key; the keys are " + Consent.KEYS));
            }
            boolean list = e.getKey().equals("sharedPartnerIds");
            if (list
                    ? !(e.getValue() instanceof List<?> l
                            && l.stream().allMatch(ConsentService::isPartnerId)
                            && l.size() <= MAX_SHARED_PARTNERS)
                    : !(e.getValue() instanceof Boolean)) {
                return Uni.createFrom()
                        .failure(ProblemException.invalidField(
                                e.getKey(),
                                list ? "a list of at most " + MAX_SHARED_PARTNERS + " partner ids" : "true or false"));
            }
        }
        Instant now = clock.instant();
        // the member row first, as leaving takes it: a change racing a leave waits for it and finds the member gone,
        // instead of writing a consent history row after the leave erased the member's (a deadlock, or a row left)
        return Member.<Member>findById(memberId, LockModeType.PESSIMISTIC_WRITE)
                .map(MembershipService::joined)
                .chain(() -> Consent.<Consent>findById(memberId, LockModeType.PESSIMISTIC_WRITE))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("consent", memberId))
                .chain(c -> {
                    boolean personalizationBefore = c.personalization;
                    changes.forEach((key, value) -> apply(c, key, value));
                    c.updatedAt = now;
                    return record(c)
                            .chain(() -> outbox.publish(c.event()))
                            // demographics reach analytics only under consent: when it is given, they follow
                            .call(() -> !personalizationBefore && c.personalization
                                    ? Member.<Member>findById(memberId)
                                            .chain(m -> outbox.publish(new MemberProfileChanged(
                                                    memberId, m.birthYear, m.gender, m.region)))
                                    : Uni.createFrom().voidItem())
                            .replaceWith(c);
                });
    }

    private static boolean isPartnerId(Object o) {
        return o instanceof String s && s.matches("[A-Za-z0-9-]{1,64}");
    }

    private static void apply(Consent c, String key, Object value) {
        switch (key) {
            case "marketingSms" -> c.marketingSms = (Boolean) value;
            case "marketingEmail" -> c.marketingEmail = (Boolean) value;
            case "marketingPush" -> c.marketingPush = (Boolean) value;
            case "personalization" -> c.personalization = (Boolean) value;
            case "shareWithAllPartners" -> c.shareWithAllPartners = (Boolean) value;
            case "sharedPartnerIds" -> {
                Set<String> ids = new LinkedHashSet<>();
                ((List<?>) value).forEach(id -> ids.add((String) id));
                c.shareWith(ids);
            }
            default -> throw new IllegalArgumentException(key);
        }
    }

    /** The member's consent history, oldest first. */
    @WithSession
    public Uni<List<Change>> history(String memberId) {
        return consentHistory.byMember(memberId).map(entries -> {
            List<Change> out = new ArrayList<>();
            for (ConsentHistoryRepository.Entry e : entries) {
                out.add(new Change(e.changedAt(), read(e.choices())));
            }
            return out;
        });
    }

    /** Leaving: the choices and their history go with the person. */
    Uni<Void> erase(String memberId) {
        return consentHistory
                .deleteByMember(memberId)
                .chain(() -> Consent.deleteById(memberId))
                .replaceWithVoid();
    }

    public static Map<String, Object> choices(Consent c) {
        return Map.of(
                "marketingSms",
                c.marketingSms,
                "marketingEmail",
                c.marketingEmail,
                "marketingPush",
                c.marketingPush,
                "personalization",
                c.personalization,
                "shareWithAllPartners",
                c.shareWithAllPartners,
                "sharedPartnerIds",
                c.sharedPartners());
    }

    private Uni<Void> record(Consent c) {
        String choices;
        try {
            choices = json.writeValueAsString(choices(c));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return consentHistory.append(c.memberId, c.updatedAt, choices).replaceWithVoid();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(String text) {
        try {
            return json.readValue(text, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable consent record", e);
        }
    }
}
