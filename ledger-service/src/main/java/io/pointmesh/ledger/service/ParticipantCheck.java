package io.pointmesh.ledger.service;

import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository.CardView;
import io.pointmesh.ledger.repository.DirectoryRepository.MemberView;
import io.pointmesh.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The parties of a request, checked against the ledger's directories before anything is posted: the
 * member it is about (found by card at the POS, or by member id) must be active, the partner ACTIVE
 * and the store open.
 */
@ApplicationScoped
public class ParticipantCheck {

    @Inject
    DirectoryRepository directory;

    /** Exactly one of cardNumber and memberId; the member must be active. */
    public MemberView activeMember(Connection c, String cardNumber, String memberId) throws SQLException {
        requireOneOf(cardNumber, memberId);
        Optional<CardView> card = isGiven(cardNumber) ? directory.card(c, cardNumber) : Optional.empty();
        String id = isGiven(cardNumber) ? card.map(CardView::memberId).orElse(null) : memberId;
        Optional<MemberView> member = id == null ? Optional.empty() : directory.member(c, id);
        return activeMember(cardNumber, memberId, card, member);
    }

    /**
     * The same check on what {@link DirectoryRepository#earnDirectory} read in one round trip: the
     * card (when the request names one) and the member it leads to.
     */
    public static MemberView activeMember(
            String cardNumber, String memberId, Optional<CardView> card, Optional<MemberView> member) {
        requireOneOf(cardNumber, memberId);
        String id = memberId;
        if (isGiven(cardNumber)) {
            CardView found = card.orElseThrow(
                    () -> ProblemException.unprocessable("unknown-card", "Unknown card", "no card " + cardNumber));
            if (!"ACTIVE".equals(found.status())) {
                throw ProblemException.unprocessable(
                        "card-blocked", "Card blocked", "card " + cardNumber + " is blocked");
            }
            id = found.memberId();
        }
        String resolved = id;
        // a member who left is no one's business any more: answered as a member who never existed, so that a partner
        // holding an old member id learns nothing (their cards were blocked when they left: card-blocked as any other)
        MemberView m = member.filter(v -> v.memberId().equals(resolved))
                .filter(v -> !"LEFT".equals(v.status()))
                .orElseThrow(() ->
                        ProblemException.unprocessable("unknown-member", "Unknown member", "no member " + resolved));
        if (!"ACTIVE".equals(m.status())) {
            // not why (a suspension is between the member and the network)
            throw ProblemException.unprocessable(
                    "member-not-active", "Member not active", "member " + resolved + " cannot earn or spend now");
        }
        return m;
    }

    private static void requireOneOf(String cardNumber, String memberId) {
        if (isGiven(cardNumber) == isGiven(memberId)) {
            throw ProblemException.invalidField(
                    isGiven(cardNumber) ? "memberId" : "cardNumber", "give exactly one of cardNumber and memberId");
        }
    }

    private static boolean isGiven(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * The member a card at the till belongs to, if that card can pay: one answer (403
     * {@code card-not-usable}) for an unknown card, a blocked card and a member who may not spend,
     * with nothing of the member in it, so that holds tell a guesser nothing about card numbers.
     */
    public String spendingMember(Connection c, String cardNumber) throws SQLException {
        var card = directory.card(c, cardNumber).filter(k -> "ACTIVE".equals(k.status()));
        var member = card.isEmpty()
                ? java.util.Optional.<MemberView>empty()
                : directory.member(c, card.get().memberId()).filter(m -> "ACTIVE".equals(m.status()));
        if (member.isEmpty()) {
            throw new ProblemException(
                    403,
                    "card-not-usable",
                    "Card cannot pay",
                    "this card cannot pay with points (unknown, blocked, or its member may not spend)",
                    null);
        }
        return member.get().memberId();
    }

    /** The partner must be ACTIVE in the ledger's directory (suspension arrives by event). */
    public DirectoryRepository.PartnerView requireActivePartner(Connection c, String partnerId) throws SQLException {
        return requireActivePartner(partnerId, directory.partner(c, partnerId));
    }

    public static DirectoryRepository.PartnerView requireActivePartner(
            String partnerId, Optional<DirectoryRepository.PartnerView> partner) {
        if (partner.isEmpty() || !"ACTIVE".equals(partner.get().status())) {
            throw ProblemException.unprocessable(
                    "partner-not-active",
                    "Partner not active",
                    "partner " + partnerId + " is "
                            + partner.map(p -> p.status().toLowerCase()).orElse("unknown")
                            + " and may not earn or redeem");
        }
        return partner.get();
    }

    public void requireOpenStore(Connection c, String partnerId, String storeCode) throws SQLException {
        requireStoreCode(storeCode);
        requireOpenStore(partnerId, storeCode, directory.storeOpen(c, partnerId, storeCode));
    }

    public static void requireOpenStore(String partnerId, String storeCode, boolean open) {
        requireStoreCode(storeCode);
        if (!open) {
            throw ProblemException.unprocessable(
                    "unknown-store", "Unknown store", "partner " + partnerId + " has no open store " + storeCode);
        }
    }

    private static void requireStoreCode(String storeCode) {
        if (storeCode == null || storeCode.isBlank()) {
            throw ProblemException.invalidField("storeCode", "required");
        }
    }
}
