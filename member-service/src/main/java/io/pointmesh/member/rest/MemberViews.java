package io.pointmesh.member.rest;

import io.pointmesh.events.Grade;
import io.pointmesh.member.Card;
import io.pointmesh.member.Consent;
import io.pointmesh.member.Member;
import io.pointmesh.member.Notification;
import io.pointmesh.member.repository.MemberAuditRepository;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the member API answers. */
public final class MemberViews {

    private MemberViews() {}

    @RegisterForReflection
    public record CardView(String cardNumber, String status, Instant issuedAt) {
        static CardView of(Card c) {
            return c == null ? null : new CardView(c.cardNumber, c.status, c.issuedAt);
        }
    }

    @RegisterForReflection
    public record GradeView(
            String name,
            BigDecimal earnMultiplier,
            List<String> benefits,
            LocalDate asOf,
            BigDecimal netSpend12Months) {}

    /** How far the next grade is: {@code nextGradeFrom} and {@code remaining} once analytics has published thresholds. */
    @RegisterForReflection
    public record ProgressView(
            String nextGrade, BigDecimal netSpend12Months, BigDecimal nextGradeFrom, BigDecimal remaining) {}

    @RegisterForReflection
    public record Profile(
            String memberId,
            String name,
            String mobileNumber,
            String email,
            Integer birthYear,
            String gender,
            String region,
            String status,
            Instant joinedAt,
            String referralCode,
            CardView card,
            GradeView grade,
            ProgressView progress,
            String segment) {}

    /** What operators see in a search. */
    @RegisterForReflection
    public record MemberSummary(
            String memberId,
            String name,
            String mobileNumber,
            String email,
            String status,
            String grade,
            Instant joinedAt) {
        static MemberSummary of(Member m) {
            return new MemberSummary(m.id, m.name, m.mobileNumber, m.email, m.status.name(), m.grade, m.joinedAt);
        }
    }

    /** One member as operators see them: the search's summary and every card they had, newest first. */
    @RegisterForReflection
    public record MemberDetail(
            String memberId,
            String name,
            String mobileNumber,
            String email,
            String status,
            String grade,
            Instant joinedAt,
            List<CardView> cards) {
        static MemberDetail of(Member m, List<Card> cards) {
            return new MemberDetail(
                    m.id,
                    m.name,
                    m.mobileNumber,
                    m.email,
                    m.status.name(),
                    m.grade,
                    m.joinedAt,
                    cards.stream().map(CardView::of).toList());
        }
    }

    /** An operator's action on a member ({@code SUSPENDED}, {@code REINSTATED}), who did it and why. */
    @RegisterForReflection
    public record AuditEntryView(String action, String actor, String reason, Instant at) {
        static AuditEntryView of(MemberAuditRepository.Entry e) {
            return new AuditEntryView(e.action(), e.actor(), e.reason(), e.at());
        }
    }

    /** A card as a partner's POS sees it: personal details only when the member shares them with this partner. */
    @RegisterForReflection
    public record CardHolderView(
            String cardNumber,
            String cardStatus,
            String memberId,
            String memberStatus,
            String grade,
            SharedDetails shared) {}

    @RegisterForReflection
    public record SharedDetails(
            String name, String mobileNumber, String email, Integer birthYear, String gender, String region) {}

    @RegisterForReflection
    public record ConsentView(
            boolean marketingSms,
            boolean marketingEmail,
            boolean marketingPush,
            boolean personalization,
            boolean shareWithAllPartners,
            List<String> sharedPartnerIds,
            Instant updatedAt,
            List<ConsentChangeView> history) {
        static ConsentView of(Consent c, List<ConsentChangeView> history) {
            return new ConsentView(
                    c.marketingSms,
                    c.marketingEmail,
                    c.marketingPush,
                    c.personalization,
                    c.shareWithAllPartners,
                    c.sharedPartners(),
                    c.updatedAt,
                    history);
        }
    }

    @RegisterForReflection
    public record ConsentChangeView(Instant changedAt, Map<String, Object> choices) {}

    @RegisterForReflection
    public record NotificationView(
            UUID id, String kind, String title, String body, Long points, Instant createdAt, Instant readAt) {
        static NotificationView of(Notification n) {
            return new NotificationView(n.id, n.kind, n.title, n.body, n.points, n.createdAt, n.readAt);
        }
    }

    /** The grade above, or null at the top. */
    static String nextGrade(String grade) {
        Grade g = Grade.valueOf(grade);
        return switch (g) {
            case GENERAL -> Grade.LOYAL.name();
            case LOYAL -> Grade.VIP.name();
            case VIP -> Grade.VVIP.name();
            case VVIP -> null;
        };
    }
}
