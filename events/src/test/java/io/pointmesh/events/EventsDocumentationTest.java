package io.pointmesh.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The documentation's account of who consumes which topic comes from the code: the services'
 * {@code mp.messaging.incoming.*.topic} configuration is the truth, and both the table in
 * {@code docs/events.md} and the README's architecture diagram must say the same. Every event
 * in the catalogue must be described in {@code docs/events.md}.
 */
class EventsDocumentationTest {

    static final Set<String> SERVICES = Set.of("member", "partner", "ledger", "analytics");
    static final Pattern INCOMING_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.[^.]+\\.topic");

    @Test
    void theConsumerTableInEventsMdIsWhatTheServicesSubscribeTo() throws IOException {
        Map<String, Set<String>> documented = new TreeMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(root().resolve("docs/events.md"))) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Who consumes what");
                continue;
            }
            Matcher row =
                    Pattern.compile("^\\| `([a-z]+\\.events)` \\| (.*) \\|$").matcher(line);
            if (inTable && row.matches()) {
                // "ledger (why: a, b), analytics (why)": the service names outside the parentheses
                String names = row.group(2).replaceAll("\\([^()]*\\)", "");
                Set<String> consumers = new TreeSet<>();
                for (String name : names.split(",")) {
                    consumers.add(name.strip());
                }
                documented.put(row.group(1), consumers);
            }
        }
        assertFalse(documented.isEmpty(), "docs/events.md has no 'Who consumes what' table");
        assertEquals(
                subscriptions(),
                documented,
                "docs/events.md's 'Who consumes what' disagrees with mp.messaging.incoming.*.topic");
    }

    @Test
    void theReadmeDiagramDrawsTheSameConsumers() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        Map<String, String> topicOfNode = new TreeMap<>();
        Matcher node = Pattern.compile("(\\w+)\\[\\[([a-z]+\\.events)]]").matcher(readme);
        while (node.find()) {
            topicOfNode.put(node.group(1), node.group(2));
        }
        Map<String, Set<String>> drawn = new TreeMap<>();
        Matcher edge = Pattern.compile("(?m)^\\s*(\\w+) --> ([\\w &]+)$").matcher(readme);
        while (edge.find()) {
            String topic = topicOfNode.get(edge.group(1));
            if (topic != null) {
                for (String name : edge.group(2).split("&")) {
                    drawn.computeIfAbsent(topic, t -> new TreeSet<>()).add(name.strip());
                }
            }
        }
        assertEquals(
                subscriptions(),
                drawn,
                "the README's architecture diagram disagrees with mp.messaging.incoming.*.topic");
    }

    @Test
    void everyCatalogueEventIsDescribedInEventsMd() throws IOException {
        String doc = Files.readString(root().resolve("docs/events.md"));
        for (EventDefinition def : EventCatalog.ALL) {
            assertTrue(
                    doc.contains("| `" + def.type() + "` |"),
                    def.type() + " is in the catalogue but not in docs/events.md");
        }
    }

    /** topic → the services whose configuration subscribes to it. */
    static Map<String, Set<String>> subscriptions() throws IOException {
        Map<String, Set<String>> consumers = new TreeMap<>();
        for (String service : SERVICES) {
            Properties config = new Properties();
            try (Reader in = Files.newBufferedReader(
                    root().resolve(service + "-service/src/main/resources/application.properties"))) {
                config.load(in);
            }
            for (String key : config.stringPropertyNames()) {
                if (INCOMING_TOPIC.matcher(key).matches()) {
                    String topic = config.getProperty(key).replaceAll("\\$\\{[^}]*}", "");
                    consumers.computeIfAbsent(topic, t -> new TreeSet<>()).add(service);
                }
            }
        }
        assertFalse(consumers.isEmpty(), "no service subscribes to anything: the configuration was not found");
        return consumers;
    }

    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/events.md")) && Files.isRegularFile(dir.resolve("pointmesh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("the repository's root (with docs/events.md) is not above "
                + Path.of("").toAbsolutePath());
    }
}
