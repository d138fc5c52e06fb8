package dev.lancebridge.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
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

    private final Process process;
    private final int port;
    private final int managementPort;

    private BridgeProcess(Process process, int port, int managementPort) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts the bridge and waits until it reports ready. */
    public static BridgeProcess start(String natsUrl, Path store, Path log) throws IOException {
        return start(natsUrl, store, log, java.util.Map.of());
    }

    /**
     * The packaged bridge's command with its environment, not started: for a test that expects it
     * to fail (it has no free ports of its own to wait on).
     */
    public static ProcessBuilder command(String natsUrl, Path store, Path log, java.util.Map<String, String> env) throws IOException {
        return command(natsUrl, store, log, env, freePort(), freePort());
    }

    private static ProcessBuilder command(String natsUrl, Path store, Path log, java.util.Map<String, String> env, int port,
                                          int managementPort) {
        String jar = System.getProperty("bridge.runner.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("BRIDGE_NATS_URL", natsUrl);
        builder.environment().put("BRIDGE_STORE_PATH", store.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        // Short, so that events a killed bridge held come back quickly; heartbeats cover slow batches.
        builder.environment().put("BRIDGE_INGEST_ACK_WAIT", "5s");
        builder.environment().putAll(env);
        // A profiler for the bridge alone (bench/run --profile), not for the JVM that starts it.
        if (profiled()) {
            builder.environment().put("JAVA_TOOL_OPTIONS", System.getProperty("bridge.profile.options").replace("{log}", log.toString()));
        }
        return builder;
    }

    /** Starts the bridge with extra environment variables and waits until it reports ready. */
    public static BridgeProcess start(String natsUrl, Path store, Path log, java.util.Map<String, String> env) throws IOException {
        int port = freePort();
        int managementPort = freePort();
        ProcessBuilder builder = command(natsUrl, store, log, env, port, managementPort);
        BridgeProcess bridge = new BridgeProcess(builder.start(), port, managementPort);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!bridge.process.isAlive()) {
                    throw new IllegalStateException("the bridge exited with " + bridge.process.exitValue() + "; see " + log);
                }
                return bridge.status("/q/health/ready") == 200;
            });
        } catch (RuntimeException | Error notReady) {
            bridge.process.destroyForcibly(); // never left running behind a failed test
            throw notReady;
        }
        return bridge;
    }

    public int status(String path) {
        return status("GET", path);
    }

    /** The status code of a {@code method} request without a body; -1 when the bridge is not reachable. */
    public int status(String method, String path) {
        try {
            HttpURLConnection connection = request(method, path, null, null);
            try (InputStream body = answer(connection)) {
                body.readAllBytes(); // read to the end, so that the connection is reused
            }
            return connection.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    public JsonNode get(String path) throws IOException {
        try (InputStream body = answer(request("GET", path, null, null))) {
            return JSON.readTree(body);
        }
    }

    public JsonNode post(String path, String body) throws IOException {
        try (InputStream answer = answer(request("POST", path, body, null))) {
            return JSON.readTree(answer);
        }
    }

    /** A request's raw answer body, asking for {@code accept}; fails on a non-200 status. */
    public InputStream stream(String method, String path, String body, String accept) throws IOException {
        HttpURLConnection connection = request(method, path, body, accept);
        if (connection.getResponseCode() != 200) {
            try (InputStream error = answer(connection)) {
                throw new IOException(method + " " + path + " answered " + connection.getResponseCode() + ": "
                        + new String(error.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        // buffered: the Arrow reader asks for a few bytes at a time, each a call into the chunked stream
        return new java.io.BufferedInputStream(connection.getInputStream(), 1 << 16);
    }

    /**
     * The JDK's synchronous client: a keep-alive HTTP/1.1 connection per thread, as curl or Python's
     * requests would use (java.net.http's asynchronous client added ~2 ms per request here).
     */
    private HttpURLConnection request(String method, String path, String body, String accept) throws IOException {
        return request(method, path, body, accept == null ? java.util.Map.of() : java.util.Map.of("Accept", accept), 600_000);
    }

    private HttpURLConnection request(String method, String path, String body, java.util.Map<String, String> headers,
                                      int readTimeoutMillis) throws IOException {
        return request(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers, readTimeoutMillis);
    }

    private HttpURLConnection request(String method, String path, byte[] bytes, java.util.Map<String, String> headers,
                                      int readTimeoutMillis) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url(path)).openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(readTimeoutMillis);
        headers.forEach(connection::setRequestProperty);
        if (bytes != null) {
            // buffered, not setFixedLengthStreamingMode: that mode cost this client 1.3 ms per POST
            // (empty-table search p50: 2.8 ms streamed, 1.4 ms buffered, as with a raw socket or Python)
            connection.setDoOutput(true);
            if (connection.getRequestProperty("Content-Type") == null) {
                connection.setRequestProperty("Content-Type", "application/json");
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
        }
        return connection;
    }

    /** A status with its headers and body as text. */
    public record Exchange(int status, java.util.Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> name.equalsIgnoreCase(e.getKey())).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** A request with extra headers (an API key, an Accept type), answered whatever its status; the body is read whole. */
    public Exchange exchange(String method, String path, String body, java.util.Map<String, String> headers) throws IOException {
        return exchangeBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** The same with a body of bytes (Arrow IPC, say). */
    public Exchange exchangeBytes(String method, String path, byte[] body, java.util.Map<String, String> headers) throws IOException {
        HttpURLConnection connection = request(method, path, body, headers, 120_000);
        int status = connection.getResponseCode();
        try (InputStream answer = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            String text = answer == null ? "" : new String(answer.readAllBytes(), StandardCharsets.UTF_8);
            return new Exchange(status, connection.getHeaderFields(), text);
        }
    }

    /** The body, whatever the status. */
    private static InputStream answer(HttpURLConnection connection) throws IOException {
        InputStream error = connection.getResponseCode() >= 400 ? connection.getErrorStream() : null;
        return error != null ? error : connection.getInputStream();
    }

    /** Health and metrics ({@code /q/health}, {@code /q/metrics}) are on the management port, the rest on the API port. */
    public String url(String path) {
        boolean management = path.startsWith("/q/health") || path.startsWith("/q/metrics");
        return "http://127.0.0.1:" + (management ? managementPort : port) + path;
    }

    /** The body of a GET as text, whatever the status. */
    public String text(String path) throws IOException {
        try (InputStream body = answer(request("GET", path, null, null))) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
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
        if (process.isAlive() && profiled()) {
            terminate(); // the profiler writes its recording on a graceful exit only
        }
        if (process.isAlive()) {
            kill();
        }
    }

    private static boolean profiled() {
        String profile = System.getProperty("bridge.profile.options");
        return profile != null && !profile.isBlank();
    }

    /** A port free on loopback now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
