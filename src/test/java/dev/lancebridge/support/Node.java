package dev.lancebridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the interop scripts in {@code interop/} (LanceDB's TypeScript SDK, Apache Arrow JS) with Node.js. */
public final class Node {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Node() {
    }

    /**
     * Skips the calling test unless Node.js and the SDK are installed; CI always runs it
     * ({@code .ci/run} installs the SDK), so there a missing SDK fails instead.
     */
    public static void assumeSdk() {
        assumeInstalled("@lancedb/lancedb");
    }

    /** As {@link #assumeSdk()}, for any package of {@code interop/package.json} (e.g. the NATS JS client, {@code nats}). */
    public static void assumeInstalled(String npmPackage) {
        Path nodeModules = Path.of("interop", "node_modules").resolve(npmPackage);
        boolean ci = System.getenv("CI") != null;
        org.junit.jupiter.api.Assumptions.assumeTrue(ci || onPath("node") && Files.isDirectory(nodeModules),
                npmPackage + " interop check skipped: install Node.js and run (cd interop && npm install)");
        assertTrue(Files.isDirectory(nodeModules), "run (cd interop && npm install) first: " + nodeModules + " is missing");
    }

    /** Runs {@code interop/<script>} and reads the JSON it prints; its stderr goes to {@code dir}. */
    public static JsonNode run(Path dir, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "interop/" + script));
        command.addAll(List.of(args));
        Path errors = dir.resolve("node.err");
        Process node = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, node.exitValue(), "node " + script + " failed: " + Files.readString(errors));
        return JSON.readTree(out);
    }

    private static boolean onPath(String command) {
        for (String part : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(part, command))) {
                return true;
            }
        }
        return false;
    }
}
