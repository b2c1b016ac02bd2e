package io.pointmesh.partner.service;

import io.pointmesh.events.DomainEvent;
import io.pointmesh.events.partner.PartnerActivated;
import io.pointmesh.events.partner.PartnerOffboarded;
import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.events.partner.PartnerReinstated;
import io.pointmesh.events.partner.PartnerSuspended;
import io.pointmesh.partner.BusinessRegistrationNumber;
import io.pointmesh.partner.Partner;
import io.pointmesh.partner.PartnerAudit;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.partner.rest.PartnerRequests.RegisterPartner;
import io.pointmesh.partner.service.PartnerCredentials.Credentials;
import io.pointmesh.platform.outbox.Outbox;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Partner onboarding and lifecycle. Every change and its event commit together (outbox). */
@ApplicationScoped
public class PartnerService {

    @Inject
    PartnerRepository partners;

    @Inject
    Outbox outbox;

    @Inject
    WebhookService webhooks;

    @Inject
    Clock clock;

    @Inject
    PartnerCredentials credentials;

    /** A transition's outcome: the partner, and the credentials when the transition issued them (shown once). */
    public record Transition(Partner partner, Credentials credentials) {}

    @WithTransaction
    public Uni<Partner> register(RegisterPartner request, String actor) {
        String brn = BusinessRegistrationNumber.normalize(request.businessRegistrationNumber());
        if (brn == null) {
            return Uni.createFrom()
                    .failure(ProblemException.invalidField(
                            "businessRegistrationNumber",
                            "must be a valid business registration number (###-##-#####, with its check digit)"));
        }
        return partners.existsByRegistrationNumber(brn).chain(exists -> {
            if (exists) {
                return Uni.createFrom()
                        .failure(ProblemException.conflict(
                                "duplicate-business-registration-number",
                                "a partner with business registration number " + brn + " is already registered"));
            }
            Partner p = new Partner();
            p.id = UUID.randomUUID().toString();
            p.legalName = request.legalName().strip();
            p.businessRegistrationNumber = brn;
            p.category = request.category();
            p.contactEmail = request.contactEmail();
            p.settlementBank = request.settlementAccount().bank();
            p.settlementAccountNumber = request.settlementAccount().accountNumber();
            p.settlementAccountHolder = request.settlementAccount().accountHolder();
            p.status = PartnerStatus.PENDING;
            p.createdAt = clock.instant();
            p.updatedAt = p.createdAt;
            return partners.persist(p)
                    .call(saved -> audit(saved, "REGISTERED", null, actor, null))
                    .call(saved ->
                            outbox.publish(new PartnerRegistered(saved.id, saved.legalName, brn, saved.category)));
        });
    }

    @WithSession
    public Uni<List<Partner>> list(PartnerStatus status, int offset, int limit) {
        var query = status == null
                ? partners.find("order by createdAt, id")
                : partners.find("status = ?1 order by createdAt, id", status);
        return query.range(offset, offset + limit - 1).list();
    }

    @WithSession
    public Uni<Partner> get(String id) {
        return partners.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("partner", id));
    }

    /** PENDING -> ACTIVE: creates the partner's OIDC client; the secret is in the answer, and nowhere else. */
    @WithTransaction
    public Uni<Transition> activate(String id, String actor, String reason) {
        return lockForTransition(id).chain(p -> {
            require(p, "activate", PartnerStatus.PENDING);
            return credentials.issue(p.id).chain(c -> {
                p.clientId = c.clientId();
                return move(
                                p,
                                PartnerStatus.ACTIVE,
                                "ACTIVATED",
                                actor,
                                reason,
                                new PartnerActivated(p.id, c.clientId(), actor, reason))
                        .map(saved -> new Transition(saved, c));
            });
        });
    }

    /** ACTIVE -> SUSPENDED: the ledger refuses the partner's earnings and redemptions as soon as it reads the event. */
    @WithTransaction
    public Uni<Transition> suspend(String id, String actor, String reason) {
        return lockForTransition(id).chain(p -> {
            require(p, "suspend", PartnerStatus.ACTIVE);
            return move(
                            p,
                            PartnerStatus.SUSPENDED,
                            "SUSPENDED",
                            actor,
                            reason,
                            new PartnerSuspended(p.id, actor, reason))
                    .map(saved -> new Transition(saved, null));
        });
    }

    /** SUSPENDED -> ACTIVE. */
    @WithTransaction
    public Uni<Transition> reinstate(String id, String actor, String reason) {
        return lockForTransition(id).chain(p -> {
            require(p, "reinstate", PartnerStatus.SUSPENDED);
            // an ACTIVE partner's client is enabled: one an offboarding disabled before its own commit failed
            // (the partner stayed SUSPENDED) would otherwise stay disabled for good (idempotent)
            return credentials
                    .enable(PartnerCredentials.clientIdOf(p.id))
                    .chain(() -> move(
                            p,
                            PartnerStatus.ACTIVE,
                            "REINSTATED",
                            actor,
                            reason,
                            new PartnerReinstated(p.id, actor, reason)))
                    // what waited for its webhooks while it was suspended is sent now, with a new retry window
                    .call(saved -> webhooks.partnerReinstated(saved.id))
                    .map(saved -> new Transition(saved, null));
        });
    }

    /** Any status but OFFBOARDED -> OFFBOARDED: the client is disabled; the data stays for settlement. */
    @WithTransaction
    public Uni<Transition> offboard(String id, String actor, String reason) {
        return lockForTransition(id).chain(p -> {
            require(p, "offboard", PartnerStatus.PENDING, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED);
            // by the client id the partner's id determines, recorded or not: an activation whose commit failed
            // after the identity provider answered left an enabled client behind a PENDING partner
            return credentials
                    .disable(PartnerCredentials.clientIdOf(p.id))
                    .chain(() -> move(
                            p,
                            PartnerStatus.OFFBOARDED,
                            "OFFBOARDED",
                            actor,
                            reason,
                            new PartnerOffboarded(p.id, actor, reason)))
                    // what still waited for its webhooks is never delivered
                    .call(saved -> webhooks.partnerOffboarded(saved.id))
                    .map(saved -> new Transition(saved, null));
        });
    }

    /** A new client secret (ACTIVE or SUSPENDED partners); the old one stops working at once. */
    @WithTransaction
    public Uni<Transition> rotateCredentials(String id, String actor, String reason) {
        return lockForTransition(id).chain(p -> {
            require(p, "rotate the credentials of", PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED);
            // an ACTIVE partner's client is enabled with its new secret (idempotent): an offboarding whose commit
            // failed after the identity provider answered had left it disabled
            return credentials
                    .rotate(
                            p.clientId != null ? p.clientId : PartnerCredentials.clientIdOf(p.id),
                            p.status == PartnerStatus.ACTIVE)
                    .chain(c -> audit(p, "CREDENTIALS_ROTATED", p.status, actor, reason)
                            .replaceWith(new Transition(p, c)));
        });
    }

    @WithSession
    public Uni<List<PartnerAudit>> history(String id) {
        return load(id).chain(p -> PartnerAudit.<PartnerAudit>find("partnerId = ?1 order by at, id", id)
                .list());
    }

    /**
     * The partner's row, locked until the transaction ends: two transitions at once (an operator
     * retrying an activation while Keycloak is slow) run one after the other, and the second finds
     * the state the first left (409 invalid-transition) instead of failing its version check (500)
     * after it had already replaced the secret the first one answered.
     */
    private Uni<Partner> lockForTransition(String id) {
        return partners.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.notFound("partner", id));
    }

    private Uni<Partner> load(String id) {
        return partners.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("partner", id));
    }

    private static void require(Partner p, String action, PartnerStatus... allowed) {
        for (PartnerStatus s : allowed) {
            if (p.status == s) {
                return;
            }
        }
        throw ProblemException.conflict("invalid-transition", "cannot " + action + " a partner that is " + p.status);
    }

    private Uni<Partner> move(
            Partner p, PartnerStatus to, String action, String actor, String reason, DomainEvent event) {
        PartnerStatus from = p.status;
        p.status = to;
        p.updatedAt = clock.instant();
        return partners.persist(p)
                .call(saved -> audit(saved, action, from, actor, reason))
                // the partner's own webhooks hear of it (a suspension) in the same transaction
                .call(saved -> outbox.publish(event).chain(webhooks::enqueue));
    }

    private Uni<PartnerAudit> audit(Partner p, String action, PartnerStatus before, String actor, String reason) {
        PartnerAudit a = new PartnerAudit();
        a.partnerId = p.id;
        a.action = action;
        a.statusBefore = before == null ? null : before.name();
        a.statusAfter = p.status.name();
        a.actor = actor;
        a.reason = reason;
        a.at = clock.instant();
        return a.persist();
    }
}
