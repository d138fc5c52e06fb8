package dev.lancebridge.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy from Maven Central (copied to {@code target/s3proxy/} by the build), run as a real
 * process: an S3 server on a free local port, keeping its objects in a directory (filesystem-nio2
 * backend). {@link #VERSION} honours conditional PUT; {@link #IGNORES_CONDITIONAL_PUT} does not.
 */
public final class S3Proxy implements AutoCloseable {

    public static final String VERSION = "4.1.0";
    /** S3Proxy 2.6.0 answers a PUT with {@code If-None-Match: *} by replacing the object. */
    public static final String IGNORES_CONDITIONAL_PUT = "2.6.0";
    public static final String ACCESS_KEY = "bridge-test";
    public static final String SECRET_KEY = "bridge-test-secret-0123";
    public static final String BUCKET = "lance";

    private final Process process;
    private final int port;
    private final Path data;

    private S3Proxy(Process process, int port, Path data) {
        this.process = process;
        this.port = port;
        this.data = data;
    }

    /** Starts S3Proxy {@code version} keeping its objects under {@code dir}, with the bucket {@link #BUCKET}. */
    public static S3Proxy start(String version, Path dir) throws IOException, InterruptedException {
        Path jar = Path.of("target", "s3proxy", "s3proxy-" + version + "-jar-with-dependencies.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mvn generate-test-resources)");
        }
        Path data = Files.createDirectories(dir.resolve("objects"));
        Files.createDirectories(data.resolve(BUCKET));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path properties = dir.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.identity=" + ACCESS_KEY, // 2.x reads these names
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + data) + "\n");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3Proxy proxy = new S3Proxy(process, port, data);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy " + version + " exited: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return proxy;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        proxy.close();
        throw new IllegalStateException("S3Proxy " + version + " did not listen on " + port + " within 60 s");
    }

    public int port() {
        return port;
    }

    /** Where the bucket's objects are, as files. */
    public Path bucketDirectory() {
        return data.resolve(BUCKET);
    }

    /** {@code s3://lance/<prefix>}. */
    public String uri(String prefix) {
        return "s3://" + BUCKET + "/" + prefix;
    }

    /** The storage options Lance (and the bridge's probe) need for this server. */
    public Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("aws_endpoint", "http://127.0.0.1:" + port);
        options.put("aws_access_key_id", ACCESS_KEY);
        options.put("aws_secret_access_key", SECRET_KEY);
        options.put("aws_region", "us-east-1");
        options.put("allow_http", "true");
        options.put("aws_virtual_hosted_style_request", "false");
        return options;
    }

    /** The same, as the bridge's configuration ({@code bridge.store.*}) in environment variables. */
    public Map<String, String> bridgeEnvironment(String prefix) {
        Map<String, String> env = new HashMap<>();
        env.put("BRIDGE_STORE_PATH", uri(prefix));
        options().forEach((key, value) -> env.put("BRIDGE_STORE_OPTIONS_" + key.toUpperCase(java.util.Locale.ROOT), value));
        return env;
    }

    /** SIGKILLs the server (the store gone); {@link #close} is still safe. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** The objects' file names under the bucket (for checks of what the bridge left there). */
    public List<Path> objects() throws IOException {
        try (var files = Files.walk(bucketDirectory())) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
