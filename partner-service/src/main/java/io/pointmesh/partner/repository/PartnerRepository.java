package io.pointmesh.partner.repository;

import io.pointmesh.partner.Partner;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class PartnerRepository implements PanacheRepositoryBase<Partner, String> {

    public Uni<Boolean> existsByRegistrationNumber(String number) {
        return count("businessRegistrationNumber", number).map(n -> n > 0);
    }
}
