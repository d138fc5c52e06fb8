package dev.lancebridge.bench;

import dev.lancebridge.support.BridgeProcess;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Start-to-ready of the packaged bridge (process start to {@code /q/health/ready} 200, an empty
 * store, a broker up), as a container starts it: on the JDK, with an AppCDS archive, and on a
 * jlink'd runtime with its own archive, the recipe of {@code src/main/docker/Dockerfile.jvm}
 * (the same modules and commands, run on this machine's JDK).
 */
final class StartFigures {

    /** The JDK modules the container's runtime holds (the Dockerfile's jlink reads the same file). */
    static final Path MODULES = Path.of("src", "main", "docker", "jlink-modules");

    private final Bench bench;

    StartFigures(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        int starts = bench.quick ? 3 : 7;
        // as BridgeProcess names it: an archive only serves the class path it was made with
        String jar = System.getProperty("bridge.runner.jar", "target/quarkus-app/quarkus-run.jar");
        Path jdk = Path.of(System.getProperty("java.home"));
        Path runtime = bench.work.resolve("runtime");
        // as Dockerfile.jvm's jlink; the runtime's own base CDS archive is what a dynamic archive builds on
        run(jdk.resolve("bin/jlink"), "--add-modules", Files.readString(MODULES).strip(), "--strip-debug", "--no-header-files",
                "--no-man-pages", "--compress=2", "--generate-cds-archive", "--output", runtime.toString());
        try (Broker broker = new Broker(bench.work.resolve("nats-start"))) {
            Stats plain = starts(broker, jdk, null, starts, "jdk");
            Path archive = archive(jdk, jar, "jdk");
            Stats withArchive = starts(broker, jdk, archive, starts, "jdk-cds");
            Path slimArchive = archive(runtime, jar, "runtime");
            Stats slim = starts(broker, runtime, slimArchive, starts, "runtime-cds");
            bench.results.latency("start_appcds", "start-to-ready, JDK 17 + AppCDS archive (" + starts + " starts)", withArchive,
                    "the same JDK without the archive", plain, "archive " + megabytes(archive) + "; Lance unpacks its 181 MB library at each start");
            bench.results.latency("start_jlink_appcds", "start-to-ready, jlink'd runtime + its AppCDS archive (the container's)", slim,
                    "the JDK without the archive", plain, "runtime " + megabytes(runtime) + " (the JDK: " + megabytes(jdk) + ")");
        }
    }

    /** The archive {@code -Dquarkus.appcds.generate=true} leaves: Quarkus starts, stops after its static init, the JVM dumps. */
    private Path archive(Path javaHome, String jar, String name) throws Exception {
        Path archive = bench.work.resolve("app-cds-" + name + ".jsa");
        run(javaHome.resolve("bin/java"), "-XX:ArchiveClassesAtExit=" + archive, "-Dquarkus.appcds.generate=true", "-jar", jar);
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("no AppCDS archive from " + javaHome);
        }
        return archive;
    }

    private Stats starts(Broker broker, Path javaHome, Path archive, int count, String name) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path store = bench.work.resolve("store-start-" + name + "-" + i);
            ProcessBuilder builder = BridgeProcess.command(broker.url(), store, bench.log("start-" + name), Map.of());
            builder.command().set(0, javaHome.resolve("bin/java").toString());
            if (archive != null) {
                builder.command().add(1, "-XX:SharedArchiveFile=" + archive);
            }
            int port = Integer.parseInt(builder.environment().get("QUARKUS_MANAGEMENT_PORT"));
            long start = System.nanoTime();
            Process process = builder.start();
            try {
                while (ready(port) != 200) {
                    if (!process.isAlive() || System.nanoTime() - start > TimeUnit.SECONDS.toNanos(90)) {
                        throw new IllegalStateException("the bridge did not become ready on " + javaHome + "; see its log");
                    }
                    Thread.sleep(10);
                }
                millis.add((System.nanoTime() - start) / 1e6);
            } finally {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
        }
        return Stats.of(millis);
    }

    private static int ready(int managementPort) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready")
                    .toURL().openConnection();
            connection.setConnectTimeout(200);
            connection.setReadTimeout(1000);
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private void run(Path program, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(bench.log("start-tools").toFile())).start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + bench.log("start-tools"));
        }
    }

    private static String megabytes(Path path) throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(path)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
        return String.format("%.0f MB", bytes / 1e6);
    }
}
