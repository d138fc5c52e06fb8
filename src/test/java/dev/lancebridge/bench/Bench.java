package dev.lancebridge.bench;

import dev.lancebridge.support.TestFiles;
import io.nats.NatsRunnerUtils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The benchmark harness: the packaged bridge against its raw building blocks and its peer
 * (LanceDB's Node SDK), every figure as a pair measured in the same run, on WordNet glosses.
 * {@code bench/run [--quick] [--only ingest|embed|freshness|search|index|storage|soak|chaos|start|debezium|objectstore]};
 * writes {@code bench/results/latest.{json,md,png}}
 * ({@code latest-<step>.*} for a single step).
 */
public final class Bench {

    final boolean quick;
    final Path work;
    final Results results = new Results();
    final int textsTimed;
    private final String only;
    Corpus corpus;

    private Bench(boolean quick, String only, Path work) {
        this.quick = quick;
        this.only = only;
        this.work = work;
        this.textsTimed = quick ? 1500 : 3000;
    }

    public static void main(String[] args) throws Exception {
        List<String> options = Arrays.asList(args);
        boolean quick = options.contains("--quick");
        int only = options.indexOf("--only");
        Path work = Files.createTempDirectory("bridge-bench");
        try {
            new Bench(quick, only >= 0 ? options.get(only + 1) : null, work).run();
        } finally {
            TestFiles.deleteRecursively(work);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        results.json.put("revision", command("git", "rev-parse", "--short", "HEAD"));
        results.json.put("time", Instant.now().toString());
        results.json.put("mode", quick ? "quick" : "full");
        machine();
        corpus = Corpus.load(quick ? 2000 : 10_000, textsTimed);
        step("ingest", () -> new IngestFigures(this).provided());
        step("embed", () -> new IngestFigures(this).embedded());
        step("freshness", () -> new FreshnessFigures(this).run());
        step("search", () -> new SearchFigures(this).run());
        step("index", () -> new IndexFigures(this).run());
        step("storage", () -> new StorageFigures(this).run());
        step("soak", () -> new SoakFigures(this).run());
        step("chaos", () -> new ChaosFigures(this).run());
        step("start", () -> new StartFigures(this).run());
        step("debezium", () -> new DebeziumFigures(this).run());
        step("objectstore", () -> new ObjectStoreFigures(this).run());
        results.json.put("duration_s", Math.round((System.nanoTime() - start) / 1e9));
        // a partial run must not overwrite the full one that bench/REPORT.md reads
        results.write(Path.of("bench", "results"), only == null ? "latest" : "latest-" + only);
    }

    private interface Step {
        void run() throws Exception;
    }

    private void step(String name, Step step) throws Exception {
        if (only != null && !only.equals(name)) {
            return;
        }
        long start = System.nanoTime();
        step.run();
        System.out.printf("bench: %s done in %.0f s%n", name, (System.nanoTime() - start) / 1e9);
    }

    Path log(String name) {
        return Path.of("target", "bench-bridge-" + name + ".log");
    }

    /**
     * Runs {@code interop/<script>} with Node.js and reads the JSON it prints; null when LanceDB's
     * Node SDK is not installed ({@code (cd interop && npm install)}), so the peer figures are skipped.
     * Its stderr goes to the log named {@code log}: an unread pipe would block it.
     */
    com.fasterxml.jackson.databind.JsonNode node(String log, String script, String... args) throws Exception {
        if (!Files.isDirectory(Path.of("interop", "node_modules", "@lancedb", "lancedb"))) {
            System.out.println("LanceDB Node SDK not installed ((cd interop && npm install)): " + script + " skipped");
            return null;
        }
        List<String> command = new java.util.ArrayList<>(List.of("node", "interop/" + script));
        command.addAll(List.of(args));
        Path errors = log(log);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile())).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("node " + script + " failed; see " + errors);
        }
        return Results.JSON.readTree(out);
    }

    private void machine() throws Exception {
        var machine = results.json.putObject("machine");
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        machine.put("cpu", cpu);
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_gib", String.format("%.0f", memKb / 1024.0 / 1024.0));
        machine.put("java", "Java " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("nats_server", NatsRunnerUtils.getNatsServerVersionString().replace("nats-server: ", ""));
        machine.put("node", command("node", "--version"));
        // what the bridge and the references inherit; the figures depend on it (glibc malloc above all)
        String environment = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("MALLOC_") || e.getKey().equals("LANCE_CPU_THREADS"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "));
        machine.put("environment", environment);
    }

    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
