package dev.lancebridge.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which extracted native libraries are stale; SIGKILLs of the packaged bridge: CrashRecoveryIT. */
class NativeLeftoversTest {

    @TempDir
    Path temp;

    private Path copy(String name, int bytes, boolean old) throws Exception {
        Path path = temp.resolve(name);
        Files.write(path, new byte[bytes]);
        if (old) {
            Files.setLastModifiedTime(path, FileTime.from(Instant.now().minusSeconds(60)));
        }
        return path;
    }

    @Test
    void copiesNoProcessUsesAreRemovedOthersStay() throws Exception {
        Path killed = copy("liblance_jni123.so", 1000, true);
        Path mapped = copy("liblance_jni456.so", 1000, true);
        Path fresh = copy("liblance_jni789.so", 1000, false);
        Path onnx = Files.createDirectory(temp.resolve("onnxruntime-java42"));
        Files.write(onnx.resolve("libonnxruntime.so"), new byte[500]);
        Files.setLastModifiedTime(onnx, FileTime.from(Instant.now().minusSeconds(60)));
        Path arrow = copy("jnilib-77.tmp", 100, true);
        Path unrelated = copy("liblance_jni_notes.txt", 10, true);

        long freed = NativeLeftovers.removeStale(temp, Set.of(mapped), Instant.now().minus(NativeLeftovers.SETTLING));

        assertEquals(1000 + 500 + 100, freed);
        assertFalse(Files.exists(killed));
        assertFalse(Files.exists(onnx));
        assertFalse(Files.exists(arrow));
        assertTrue(Files.exists(mapped), "a live process maps it");
        assertTrue(Files.exists(fresh), "another JVM may be about to load it");
        assertTrue(Files.exists(unrelated));
    }

    @Test
    void thisProcessesOpenFilesAndMappedLibrariesAreSeenAsInUse() throws Exception {
        Path open = copy("liblance_jni999.so", 10, true);
        try (RandomAccessFile held = new RandomAccessFile(open.toFile(), "r")) {
            Set<Path> inUse = NativeLeftovers.inUse(Path.of("/proc"));
            assertTrue(inUse.contains(open.toRealPath()), "an open file");
            assertTrue(inUse.stream().anyMatch(path -> path.getFileName().toString().startsWith("libjvm")), "a mapped library");
            assertEquals(0, NativeLeftovers.removeStale(temp.toRealPath(), inUse, Instant.now()));
        }
    }
}
