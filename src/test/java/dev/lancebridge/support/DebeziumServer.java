package dev.lancebridge.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debezium Server 3.6.1 from Maven Central ({@code io.debezium:debezium-server-dist:3.6.1.Final:tar.gz},
 * fetched into the local Maven repository by {@code .ci/run}), run as a real process with its
 * Postgres connector and NATS JetStream sink. It needs Java 21 or newer: the newest JDK under
 * {@code /usr/lib/jvm} (or {@code DEBEZIUM_JAVA_HOME}).
 */
public final class DebeziumServer implements AutoCloseable {

    public static final String VERSION = "3.6.1.Final";
    private static final Path EXTRACTED = Path.of("target", "debezium-server-" + VERSION);

    /**
     * The bridge's declaration of the Postgres table {@code docs (id int PRIMARY KEY, title text,
     * body text, lang text)} that {@link #postgresToNats} streams (environment variables).
     */
    public static final Map<String, String> DOCS_TABLE = Map.of(
            "BRIDGE_TABLES_DOCS_STREAM", "DebeziumStream",
            "BRIDGE_TABLES_DOCS_SUBJECTS", "pg.public.docs",
            "BRIDGE_TABLES_DOCS_FORMAT", "debezium",
            "BRIDGE_TABLES_DOCS_TEXT", "{title}: {body}",
            "BRIDGE_TABLES_DOCS_COLUMNS_TITLE_TYPE", "string",
            "BRIDGE_TABLES_DOCS_COLUMNS_BODY_TYPE", "string",
            "BRIDGE_TABLES_DOCS_COLUMNS_LANG_TYPE", "string");

    private final Process process;

    private DebeziumServer(Process process) {
        this.process = process;
    }

    /** The distribution in the local Maven repository ({@code -Ddebezium.dist} overrides). */
    private static Path dist() {
        String configured = System.getProperty("debezium.dist");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "debezium", "debezium-server-dist", VERSION,
                "debezium-server-dist-" + VERSION + ".tar.gz");
    }

    /** Skips the calling test unless the distribution was fetched; CI always has it, so there it fails instead. */
    public static void assumeFetched() {
        boolean fetched = Files.isRegularFile(dist());
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null || fetched && java21() != null,
                "Debezium check skipped: ./mvnw dependency:get -Dartifact=io.debezium:debezium-server-dist:" + VERSION
                        + ":tar.gz, and a JDK 21+ under /usr/lib/jvm");
        assertTrue(fetched, dist() + " is missing: run .ci/run's dependency:get");
        assertTrue(java21() != null, "no JDK 21 or newer under /usr/lib/jvm (Debezium Server needs one)");
    }

    /**
     * The properties that stream Postgres's {@code public.docs} to the JetStream stream
     * {@code DebeziumStream}, as the README shows them: the bridge creates the stream (on its
     * tables' subjects), so the sink must not ({@code create-stream=false}; it would refuse a stream
     * of another configuration, and start-up order would matter).
     *
     * @param offsetFlush how often Debezium records what it sent: after a SIGKILL it sends again what came since
     */
    public static Map<String, String> postgresToNats(String natsUrl, int postgresPort, Path offsets, java.time.Duration offsetFlush) {
        return Map.ofEntries(
                Map.entry("debezium.sink.type", "nats-jetstream"),
                Map.entry("debezium.sink.nats-jetstream.url", natsUrl),
                Map.entry("debezium.sink.nats-jetstream.create-stream", "false"),
                Map.entry("debezium.source.connector.class", "io.debezium.connector.postgresql.PostgresConnector"),
                Map.entry("debezium.source.plugin.name", "pgoutput"),
                Map.entry("debezium.source.database.hostname", "127.0.0.1"),
                Map.entry("debezium.source.database.port", Integer.toString(postgresPort)),
                Map.entry("debezium.source.database.user", "postgres"),
                Map.entry("debezium.source.database.password", "postgres"),
                Map.entry("debezium.source.database.dbname", "postgres"),
                Map.entry("debezium.source.topic.prefix", "pg"),
                Map.entry("debezium.source.table.include.list", "public.docs"),
                // truncates are skipped unless asked for
                Map.entry("debezium.source.skipped.operations", "none"),
                Map.entry("debezium.source.offset.storage.file.filename", offsets.toAbsolutePath().toString()),
                Map.entry("debezium.source.offset.flush.interval.ms", Long.toString(offsetFlush.toMillis())),
                // a port the system picks as it binds: one picked ahead could be taken meanwhile (by a bridge starting)
                Map.entry("quarkus.http.port", "0"),
                Map.entry("quarkus.log.console.json", "false"));
    }

    /**
     * Starts Debezium Server with {@code properties} ({@code debezium.*}, {@code quarkus.*}) in
     * {@code dir}; its output goes to {@code log}.
     */
    public static DebeziumServer start(Path dir, Map<String, String> properties, Path log) throws IOException, InterruptedException {
        Path home = extracted();
        Files.createDirectories(dir);
        Properties config = new Properties();
        config.putAll(properties);
        Path file = dir.resolve("application.properties");
        try (var out = Files.newOutputStream(file)) {
            config.store(out, "Debezium Server for a bridge test");
        }
        List<String> command = new ArrayList<>(List.of(java21().resolve("bin/java").toString(),
                // what its jar's manifest asks for (run.sh's -cp launch drops it): JBoss threads need it on Java 24+
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dquarkus.config.locations=" + file.toAbsolutePath(),
                "-cp", String.join(java.io.File.pathSeparator, home.resolve("debezium-server-dist-" + VERSION + "-runner.jar").toString(),
                        home.resolve("config/lib").toString(), home.resolve("lib") + "/*"),
                "io.debezium.server.Main"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new DebeziumServer(process);
    }

    /** The distribution unpacked under target/, once: all but the Cassandra connectors (which it does not load by default). */
    private static synchronized Path extracted() throws IOException, InterruptedException {
        Path home = EXTRACTED.resolve("debezium-server");
        if (Files.isRegularFile(home.resolve("debezium-server-dist-" + VERSION + "-runner.jar"))) {
            return home.toAbsolutePath();
        }
        Files.createDirectories(EXTRACTED);
        Process tar = new ProcessBuilder("tar", "xzf", dist().toString(), "-C", EXTRACTED.toString(),
                "--exclude=debezium-server/connectors").redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(5, TimeUnit.MINUTES) && tar.exitValue() == 0, "could not unpack " + dist() + ": " + out);
        return home.toAbsolutePath();
    }

    /** A JDK of version 21 or newer: DEBEZIUM_JAVA_HOME, else the newest under /usr/lib/jvm; null if none. */
    static Path java21() {
        String configured = System.getenv("DEBEZIUM_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(jdk -> featureVersion(jdk) >= 21)
                    .max(java.util.Comparator.comparingInt(DebeziumServer::featureVersion)).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int featureVersion(Path jdk) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin/java"))) {
            return 0;
        }
        try (InputStream in = Files.newInputStream(release)) {
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
            return Integer.parseInt(version.split("[.+-]")[0]);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: what it sent but had not recorded in its offsets it sends again after a restart. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
