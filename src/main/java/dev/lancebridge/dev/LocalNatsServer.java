package dev.lancebridge.dev;

import io.nats.NatsRunnerUtils;
import io.nats.NatsServerRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;

/**
 * Starts a real {@code nats-server -js} child process on loopback: dev mode's broker and the
 * tests' broker. Finds the binary through {@code NATS_SERVER_PATH}, the PATH, or Debian's
 * {@code /usr/sbin/nats-server}.
 */
public final class LocalNatsServer {

    private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/nats-server");

    private LocalNatsServer() {
    }

    /**
     * @param storeDir JetStream's store directory (kept across restarts of the same server)
     * @param port     the port, or null for a free one
     * @param options  more nats-server options (e.g. {@code --user u --pass p})
     */
    public static NatsServerRunner start(Path storeDir, Integer port, String... options) {
        String binary = binary();
        try {
            Files.createDirectories(storeDir);
            return NatsServerRunner.builder()
                    .executablePath(binary)
                    .port(port)
                    .jetstream(true)
                    .customArgs(args(storeDir, options))
                    // the server's own start-up banner goes to a quiet logger: DEBUG shows it
                    .outputLogger(java.util.logging.Logger.getLogger("nats-server"))
                    .outputLevel(Level.FINE)
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e.getMessage(), e);
        }
    }

    private static List<String> args(Path storeDir, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("-a", "127.0.0.1", "-sd", storeDir.toAbsolutePath().toString()));
        args.addAll(List.of(options));
        return args;
    }

    private static String binary() {
        String configured = System.getenv(NatsRunnerUtils.NATS_SERVER_PATH_ENV);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return DEBIAN_BINARY.toString();
        }
        throw new IllegalStateException("nats-server is not installed: install it (Debian/Ubuntu: "
                + "'apt-get install -y nats-server', macOS: 'brew install nats-server'), set NATS_SERVER_PATH, "
                + "or point BRIDGE_NATS_URL at a running server");
    }
}
