package io.pointmesh.partner.service;

import io.pointmesh.events.partner.PartnerRegistered;
import io.pointmesh.partner.BusinessRegistrationNumber;
import io.pointmesh.partner.Partner;
import io.pointmesh.partner.PartnerStatus;
import io.pointmesh.partner.repository.PartnerRepository;
import io.pointmesh.partner.rest.PartnerRequests.RegisterPartner;
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
    Clock clock;

    @WithTransaction
    public Uni<Partner> register(RegisterPartner request) {
        String brn = BusinessRegistrationNumber.normalize(request.businessRegistrationNumber());
        if (brn == null) {
            return Uni.createFrom().failure(ProblemException.invalidField("businessRegistrationNumber",
                    "must be a valid business registration number (###-##-#####, with its check digit)"));
        }
        return partners.existsByRegistrationNumber(brn).chain(exists -> {
            if (exists) {
                return Uni.createFrom().failure(ProblemException.conflict("duplicate-business-registration-number",
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
                    .call(saved -> outbox.publish(new PartnerRegistered(saved.id, saved.legalName, brn, saved.category)));
        });
    }

    @WithSession
    public Uni<List<Partner>> list(PartnerStatus status, int offset, int limit) {
        var query = status == null ? partners.find("order by createdAt, id") : partners.find("status = ?1 order by createdAt, id", status);
        return query.range(offset, offset + limit - 1).list();
    }

    @WithSession
    public Uni<Partner> get(String id) {
        return partners.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("partner", id));
    }
}
