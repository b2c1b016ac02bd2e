package io.pointmesh.partner.repository;

import static io.pointmesh.platform.sql.NativeValues.offset;

import io.pointmesh.partner.MileageProgram;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The SQL of mileage partners' conversion terms (one row a partner); runs in the caller's transaction. */
@ApplicationScoped
public class MileageProgramRepository {

    /** Sets the partner's terms, replacing the ones it had. */
    public Uni<Integer> upsert(String partnerId, MileageProgram program, String updatedBy, Instant updatedAt) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "INSERT INTO mileage_program (partner_id, program_code, "
                                        + "miles_per_point, minimum_points, step_points, updated_by, updated_at) VALUES (:partnerId, :programCode, "
                                        + ":milesPerPoint, :minimumPoints, :stepPoints, :updatedBy, :updatedAt) "
                                        + "ON CONFLICT (partner_id) DO UPDATE SET program_code = EXCLUDED.program_code, "
                                        + "miles_per_point = EXCLUDED.miles_per_point, minimum_points = EXCLUDED.minimum_points, "
                                        + "step_points = EXCLUDED.step_points, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
                        .setParameter("partnerId", partnerId)
                        .setParameter("programCode", program.programCode())
                        .setParameter("milesPerPoint", program.milesPerPoint())
                        .setParameter("minimumPoints", program.minimumPoints())
                        .setParameter("stepPoints", program.stepPoints())
                        .setParameter("updatedBy", updatedBy)
                        .setParameter("updatedAt", offset(updatedAt))
                        .executeUpdate());
    }
}
