package dev.lancebridge.store;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Native libraries are extracted from their jars to the JVM's temp directory at every start and
 * removed only when the JVM exits cleanly: Lance's JNI library (181 MB, {@code liblance_jni<n>.so}),
 * ONNX Runtime's ({@code onnxruntime-java<n>/}, 16 MB) and Arrow's C data bridge
 * ({@code jnilib-<n>.tmp}). A JVM killed by SIGKILL (an OOM kill, a liveness restart) leaves its
 * copies behind, and a crash-looping pod fills its disk with them. At start, the copies that no
 * live process has open or mapped are removed. A copy younger than {@link #SETTLING} is left
 * alone: another JVM may be between writing it and loading it.
 */
final class NativeLeftovers {

    static final Duration SETTLING = Duration.ofSeconds(2);
    private static final Pattern COPY = Pattern.compile("liblance_jni\\d+\\.so|onnxruntime-java\\d+|jnilib-\\d+\\.tmp");
    private static final Logger LOG = Logger.getLogger(NativeLeftovers.class);

    private NativeLeftovers() {
    }

    /** Removes the stale copies in the JVM's temp directory; logs what it freed. */
    static void removeStale() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return; // not Linux: no way to tell copies in use, and the OS clears its temp directory itself
        }
        long freed = removeStale(temp, inUse(proc), Instant.now().minus(SETTLING));
        if (freed > 0) {
            LOG.infof("removed %d MB of native libraries that killed JVMs left in %s", freed >> 20, temp);
        }
    }

    /** Removes the copies in {@code temp} older than {@code settledBefore} that are not under a path of {@code inUse}; returns the bytes freed. */
    static long removeStale(Path temp, Set<Path> inUse, Instant settledBefore) {
        long freed = 0;
        for (Path copy : copies(temp)) {
            try {
                if (Files.getLastModifiedTime(copy).toInstant().isAfter(settledBefore) || used(copy, inUse)) {
                    continue;
                }
                freed += delete(copy);
            } catch (IOException e) {
                LOG.debugf("could not remove %s: %s", copy, e.getMessage()); // another JVM removed it first, or not ours
            }
        }
        return freed;
    }

    private static List<Path> copies(Path temp) {
        try (Stream<Path> entries = Files.list(temp)) {
            return entries.filter(path -> COPY.matcher(path.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean used(Path copy, Set<Path> inUse) {
        for (Path path : inUse) {
            if (path.startsWith(copy)) {
                return true;
            }
        }
        return false;
    }

    private static long delete(Path copy) throws IOException {
        long bytes = 0;
        if (Files.isDirectory(copy)) {
            try (Stream<Path> inside = Files.list(copy)) {
                for (Path file : inside.toList()) {
                    bytes += Files.size(file);
                    Files.delete(file);
                }
            }
        } else {
            bytes = Files.size(copy);
        }
        Files.delete(copy);
        return bytes;
    }

    /** Every file a live process has open or mapped, as far as this process may read {@code /proc}. */
    static Set<Path> inUse(Path proc) {
        Set<Path> used = new HashSet<>();
        List<Path> processes = new ArrayList<>();
        try (Stream<Path> entries = Files.list(proc)) {
            entries.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(processes::add);
        } catch (IOException e) {
            return used;
        }
        for (Path process : processes) {
            try (Stream<String> maps = Files.lines(process.resolve("maps"))) {
                maps.forEach(line -> {
                    int slash = line.indexOf('/');
                    if (slash >= 0) {
                        used.add(Path.of(line.substring(slash).replace(" (deleted)", "")));
                    }
                });
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or not ours to read
            }
            try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                fds.forEach(fd -> {
                    try {
                        used.add(Files.readSymbolicLink(fd));
                    } catch (IOException | RuntimeException e) {
                        // closed meanwhile
                    }
                });
            } catch (IOException | RuntimeException e) {
                // gone meanwhile, or not ours to read
            }
        }
        return used;
    }
}
