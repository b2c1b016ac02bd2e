package io.pointmesh.ledger.service;

import io.pointmesh.ledger.repository.DirectoryRepository;
import io.pointmesh.ledger.repository.DirectoryRepository.MemberView;
import io.pointmesh.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;

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
        boolean byCard = cardNumber != null && !cardNumber.isBlank();
        boolean byId = memberId != null && !memberId.isBlank();
        if (byCard == byId) {
            throw ProblemException.invalidField(
                    byCard ? "memberId" : "cardNumber", "give exactly one of cardNumber and memberId");
        }
        String id = memberId;
        if (byCard) {
            var card = directory
                    .card(c, cardNumber)
                    .orElseThrow(() ->
                            ProblemException.unprocessable("unknown-card", "Unknown card", "no card " + cardNumber));
            if (!"ACTIVE".equals(card.status())) {
                throw ProblemException.unprocessable(
                        "card-blocked", "Card blocked", "card " + cardNumber + " is blocked");
            }
            id = card.memberId();
        }
        String resolved = id;
        MemberView member = directory
                .member(c, resolved)
                .orElseThrow(() ->
                        ProblemException.unprocessable("unknown-member", "Unknown member", "no member " + resolved));
        if (!"ACTIVE".equals(member.status())) {
            throw ProblemException.unprocessable(
                    "member-not-active",
                    "Member not active",
                    "member " + resolved + " is " + member.status().toLowerCase());
        }
        return member;
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
        var partner = directory.partner(c, partnerId);
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
        if (storeCode == null || storeCode.isBlank()) {
            throw ProblemException.invalidField("storeCode", "required");
        }
        if (!directory.storeOpen(c, partnerId, storeCode)) {
            throw ProblemException.unprocessable(
                    "unknown-store", "Unknown store", "partner " + partnerId + " has no open store " + storeCode);
        }
    }
}
