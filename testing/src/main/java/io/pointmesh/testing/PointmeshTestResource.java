package io.pointmesh.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The one test resource of every service's component tests ({@code @WithTestResource(PointmeshTestResource.class)}):
 * <ul>
 *   <li>the real PostgreSQL, with a fresh database {@code pointmesh_<service>_test} per run;</li>
 *   <li>the real Kafka broker, with topics under a fresh prefix per run, so runs never see each
 *       other's (or the local stack's) events;</li>
 *   <li>an OIDC provider stand-in (WireMock) whose tokens {@link TestTokens} mints.</li>
 * </ul>
 */
public class PointmeshTestResource implements QuarkusTestResourceLifecycleManager {

    private final OidcWiremockTestResource oidc = new OidcWiremockTestResource();

    @Override
    public Map<String, String> start() {
        LocalInfra.ensureRunning();
        String service = serviceName();
        String database = testDatabase(service);
        LocalInfra.recreateDatabase(database, service);

        Map<String, String> config = new HashMap<>(oidc.start());
        config.put("pointmesh.oidc.url", config.get("keycloak.url") + "/realms/quarkus");
        config.put("pointmesh.pg.port", String.valueOf(LocalInfra.pgPort()));
        config.put("pointmesh.pg.database", database);
        config.put("pointmesh.kafka.bootstrap", LocalInfra.kafkaBootstrap());
        config.put(
                "pointmesh.kafka.topic-prefix",
                "test-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        return config;
    }

    @Override
    public void stop() {
        oidc.stop();
    }

    /** From the service's own configuration, else from its module folder ({@code ledger-service}). */
    static String serviceName() {
        return ConfigProvider.getConfig()
                .getOptionalValue("pointmesh.service", String.class)
                .orElseGet(() ->
                        Path.of("").toAbsolutePath().getFileName().toString().replace("-service", ""));
    }

    /**
     * The component tests' database of a service: {@code pointmesh_<service>_test}, plus
     * {@code POINTMESH_TEST_DB_SUFFIX} when set, so that two test runs on one machine (two
     * checkouts) never recreate each other's database.
     */
    public static String testDatabase(String service) {
        String suffix = System.getenv("POINTMESH_TEST_DB_SUFFIX");
        return "pointmesh_" + service + "_test" + (suffix == null ? "" : suffix.replaceAll("[^a-z0-9_]", ""));
    }
}
