package dev.lancebridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The packaged bridge ({@code java -jar target/quarkus-app/quarkus-run.jar}, no extra JVM flags)
 * as a child process, configured the way a user would: environment variables only.
 */
public final class BridgeProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private BridgeProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the bridge and waits until it reports ready. */
    public static BridgeProcess start(String natsUrl, Path store, Path log) throws IOException {
        return start(natsUrl, store, log, java.util.Map.of());
    }

    /** Starts the bridge with extra environment variables and waits until it reports ready. */
    public static BridgeProcess start(String natsUrl, Path store, Path log, java.util.Map<String, String> env) throws IOException {
        String jar = System.getProperty("bridge.runner.jar", "target/quarkus-app/quarkus-run.jar");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("BRIDGE_NATS_URL", natsUrl);
        builder.environment().put("BRIDGE_STORE_PATH", store.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // Short, so that events a killed bridge held come back quickly; heartbeats cover slow batches.
        builder.environment().put("BRIDGE_INGEST_ACK_WAIT", "5s");
        builder.environment().putAll(env);
        BridgeProcess bridge = new BridgeProcess(builder.start(), port);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!bridge.process.isAlive()) {
                throw new IllegalStateException("the bridge exited with " + bridge.process.exitValue() + "; see " + log);
            }
            return bridge.status("/q/health/ready") == 200;
        });
        return bridge;
    }

    public int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** A request's raw answer body, asking for {@code accept}; fails on a non-200 status. */
    public java.io.InputStream stream(String method, String path, String body, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Accept", accept);
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<java.io.InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return response.body();
    }

    private URI uri(String path) {
        return URI.create(url(path));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public long pid() {
        return process.pid();
    }

    /** Java heap in use (MiB), read with jcmd from the same JDK; -1 when unavailable. */
    public long heapUsedMiB() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(10, TimeUnit.SECONDS);
            java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
            return used.find() ? Long.parseLong(used.group(1)) / 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Resident set size of the bridge process in MiB (Linux), native memory included. */
    public long rssMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** SIGKILL: no shutdown hook, no drain, whatever was in flight is lost to the process. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the graceful path; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the bridge did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
