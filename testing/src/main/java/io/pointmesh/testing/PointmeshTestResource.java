package io.pointmesh.testing;

import io.pointmesh.events.Topic;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
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
        String prefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        config.put("pointmesh.kafka.topic-prefix", prefix);
        createTopics(prefix);
        return config;
    }

    /** Every topic a service reads or writes, under the run's prefix. */
    static final List<String> TOPICS = topics();

    private static List<String> topics() {
        List<String> names = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            names.add(topic.topicName());
        }
        for (String service : List.of("partner", "member", "ledger", "analytics", "platform")) {
            names.add(service + "-service.dead-letters");
        }
        names.add("platform-batch.dead-letters");
        names.add("unrouted.events");
        return List.copyOf(names);
    }

    /**
     * Creates the run's topics before the service starts, with the broker's defaults, rather than on first use: an
     * idempotent producer whose first batches race a topic's auto-creation could be refused with
     * OUT_OF_ORDER_SEQUENCE_NUMBER for tens of seconds (seen once in CI), longer than a test waits for an event.
     */
    static void createTopics(String prefix) {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrap()))) {
            List<NewTopic> topics = TOPICS.stream()
                    .map(name -> new NewTopic(prefix + name, Optional.empty(), Optional.empty()))
                    .toList();
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create the test run's topics", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not create the test run's topics in 60 s", e);
        }
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
