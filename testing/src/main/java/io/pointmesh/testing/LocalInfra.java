package io.pointmesh.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the real PostgreSQL and Kafka the tests use, starting them through {@code ./pointmesh infra}
 * when they are not running, so a test run from an IDE works like {@code ./pointmesh test}.
 * Addresses and credentials are the local stack's (see .pointmesh/secrets.env), overridable by
 * the same environment variables the stack uses.
 */
public final class LocalInfra {

    public static final String HOST = "127.0.0.1";

    private static Map<String, String> settings;

    private LocalInfra() {}

    /** PostgreSQL and Kafka are reachable when this returns. */
    public static synchronized void ensureRunning() {
        if (reachable(pgPort()) && reachable(kafkaPort())) {
            return;
        }
        Path script = repositoryRoot().resolve("pointmesh");
        try {
            Process p =
                    new ProcessBuilder(script.toString(), "infra").inheritIO().start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(script + " infra failed (exit " + p.exitValue() + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        settings = null; // the script may have just written the secrets
        if (!reachable(pgPort()) || !reachable(kafkaPort())) {
            throw new IllegalStateException("PostgreSQL or Kafka still unreachable after ./pointmesh infra");
        }
    }

    public static int pgPort() {
        return Integer.parseInt(setting("POINTMESH_PG_PORT", "55432"));
    }

    public static int kafkaPort() {
        return Integer.parseInt(setting("POINTMESH_KAFKA_PORT", "59092"));
    }

    public static String kafkaBootstrap() {
        return HOST + ":" + kafkaPort();
    }

    /**
     * Drops and recreates {@code database}, owned by {@code owner} (a role the stack created):
     * every test run starts from an empty schema that Flyway then migrates.
     */
    public static void recreateDatabase(String database, String owner) {
        String url = "jdbc:postgresql://" + HOST + ":" + pgPort() + "/postgres";
        try (Connection c =
                        DriverManager.getConnection(url, "postgres", setting("POINTMESH_PG_SUPERUSER_PASSWORD", null));
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + owner + "') THEN "
                    + "CREATE ROLE " + owner + " LOGIN PASSWORD '" + owner + "'; END IF; END $$");
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database + " OWNER " + owner);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot recreate test database " + database, e);
        }
    }

    /** The folder holding the {@code pointmesh} script, searched upwards from the working directory. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isExecutable(dir.resolve("pointmesh")) && Files.isDirectory(dir.resolve("events"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("not inside a pointmesh checkout: no ./pointmesh above "
                + Path.of("").toAbsolutePath());
    }

    /** An environment variable, else the value in .pointmesh/secrets.env, else the default. */
    public static synchronized String setting(String name, String defaultValue) {
        String env = System.getenv(name);
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (settings == null) {
            settings = new HashMap<>();
            Path file = stateDir().resolve("secrets.env");
            if (Files.exists(file)) {
                try {
                    for (String line : Files.readAllLines(file)) {
                        int eq = line.indexOf('=');
                        if (eq > 0 && !line.startsWith("#")) {
                            settings.put(
                                    line.substring(0, eq).trim(),
                                    line.substring(eq + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + file, e);
                }
            }
        }
        String value = settings.getOrDefault(name, defaultValue);
        if (value == null) {
            throw new IllegalStateException(name + " is not set and not in "
                    + stateDir().resolve("secrets.env") + ": run ./pointmesh infra first");
        }
        return value;
    }

    public static Path stateDir() {
        String home = System.getenv("POINTMESH_HOME");
        return home != null ? Path.of(home) : repositoryRoot().resolve(".pointmesh");
    }

    static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static List<String> services() {
        return List.of("member", "partner", "ledger", "analytics");
    }
}
