package dev.lancebridge.ingest;

import dev.lancebridge.support.Chaos;
import dev.lancebridge.support.TestFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's own fault suite, short: three SIGKILLs of the packaged bridge and one of
 * nats-server while inserts, updates, deletes and malformed events stream in; the final table is
 * compared row by row with what was published. {@code bench/run --only chaos} runs the long mode.
 */
class ChaosIT {

    @Test
    void killsOfTheBridgeAndOfNatsLoseDoubleStaleOrResurrectNothing() throws Exception {
        Path dir = Files.createTempDirectory("bridge-chaos-it");
        try {
            Chaos.Figures figures = new Chaos(dir, 17).run(3);
            System.out.println("chaos: " + figures);
            assertTrue(figures.published() > 500, figures.toString());
            assertEquals(0, figures.lost(), figures.toString());
            assertEquals(0, figures.doubled(), figures.toString());
            assertEquals(0, figures.stale(), figures.toString());
            assertEquals(0, figures.resurrected(), figures.toString());
            assertEquals(figures.malformed(), figures.deadLettered(), figures.toString());
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }
}
