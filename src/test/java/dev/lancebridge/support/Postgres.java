package dev.lancebridge.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A throw-away Postgres cluster from Debian's {@code postgresql} package, on loopback, with
 * logical decoding on (what Debezium needs). Run as the {@code postgres} user when the tests run
 * as root (initdb refuses root). Statements go through {@code psql}.
 */
public final class Postgres implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dataDir;
    private final int port;

    private Postgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Skips the calling test unless Postgres 15 is installed; CI always runs it ({@code .ci/run}
     * installs {@code postgresql}), so there a missing server fails instead.
     */
    public static void assumeInstalled() {
        boolean installed = Files.isExecutable(BIN.resolve("postgres"));
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null || installed,
                "Postgres check skipped: install Debian's postgresql (15)");
        assertTrue(installed, BIN + "/postgres is missing: apt-get install postgresql");
    }

    /** A new cluster in a directory of its own (outside test directories, which its user may not enter); deleted on close. */
    public static Postgres start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("bridge-postgres");
        Path dataDir = dir.resolve("data");
        if (asRoot()) {
            run(List.of("chown", "-R", "postgres", dir.toString()));
        }
        run(asOwner(List.of(BIN.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--no-sync")));
        int port = BridgeProcess.freePort();
        Postgres postgres = new Postgres(dataDir, port);
        postgres.startServer();
        return postgres;
    }

    private void startServer() throws IOException, InterruptedException {
        run(asOwner(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolveSibling("postgres.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dataDir.getParent() + " -c listen_addresses=127.0.0.1"
                        + " -c wal_level=logical -c max_wal_senders=4 -c max_replication_slots=4 -c fsync=off", "start")));
    }

    public int port() {
        return port;
    }

    /** Runs SQL (several statements are one transaction unless they say otherwise). */
    public void sql(String statements) throws IOException, InterruptedException {
        query(statements);
    }

    /** The rows a query returns, each as its columns (tab-separated by psql, unaligned, no header). */
    public List<String[]> query(String sql) throws IOException, InterruptedException {
        Process psql = new ProcessBuilder(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", "postgres", "-At", "-F", "\t", "-c", sql)).redirectErrorStream(true).start();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(psql.waitFor(120, TimeUnit.SECONDS), "psql did not finish: " + sql);
        assertEquals(0, psql.exitValue(), "psql failed: " + out);
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(asOwner(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop")));
        } finally {
            TestFiles.deleteRecursively(dataDir.getParent());
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asOwner(List<String> command) {
        if (!asRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed: " + out);
    }
}
