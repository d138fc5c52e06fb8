package dev.lancebridge.store;

import dev.lancebridge.support.TableReads;
import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compaction, cleanup, the vector index build and index optimisation running over and over while
 * one thread commits inserts, updates and deletes and another searches: no commit fails, no
 * search fails, and the table ends exactly as the commits say.
 */
class MaintenanceWhileBusyTest {

    private static final int DIM = 32;
    private static final int BATCHES = 80;
    private static final int BATCH = 150;

    @TempDir
    Path dir;

    @Test
    void ingestAndSearchNeverNoticeMaintenance() throws Exception {
        try (LanceStore store = new LanceStore(dir, new IndexPolicy(3_000, 100_000, 16, 100))) {
            LanceTable table = store.open("busy", DIM, "test-model");
            Map<String, String> expected = new HashMap<>(); // id -> latest text; absent = deleted or never written
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger searches = new AtomicInteger();
            AtomicInteger passes = new AtomicInteger();
            List<MaintenanceStats> indexPasses = new ArrayList<>();

            Thread searcher = new Thread(() -> {
                Random random = new Random(2);
                while (writing.get()) {
                    try {
                        TableReads.nearest(table, vector(random.nextInt(100_000)), 10, null, table.scalarColumns());
                        TableReads.rows(table, ScanRequest.fullText("text", 10, null, List.of()));
                        searches.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }, "searcher");
            Thread maintainer = new Thread(() -> {
                while (writing.get()) {
                    try {
                        MaintenanceStats pass = table.maintain(Duration.ofSeconds(2));
                        passes.incrementAndGet();
                        if (!pass.indexesCreated().isEmpty() || !pass.indexesOptimized().isEmpty()) {
                            synchronized (indexPasses) {
                                indexPasses.add(pass);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }, "maintainer");
            searcher.start();
            maintainer.start();

            Random random = new Random(1);
            long seq = 0;
            int nextId = 0;
            try {
                for (int batch = 0; batch < BATCHES; batch++) {
                    List<Normalized> changes = new ArrayList<>();
                    for (int i = 0; i < BATCH; i++) {
                        seq++;
                        int choice = random.nextInt(10);
                        if (choice < 7 || nextId < 100) { // a new row
                            String id = "r-" + nextId++;
                            changes.add(row(id, "text " + id + " at " + seq, seq));
                            expected.put(id, "text " + id + " at " + seq);
                        } else if (choice < 9) { // an update of an earlier row
                            String id = "r-" + random.nextInt(nextId);
                            changes.add(row(id, "text " + id + " at " + seq, seq));
                            expected.put(id, "text " + id + " at " + seq);
                        } else { // a delete
                            String id = "r-" + random.nextInt(nextId);
                            changes.add(new Deletion(id, seq));
                            expected.remove(id);
                        }
                    }
                    table.commit(changes);
                }
                // let maintenance catch up at least once more with everything committed
                int after = passes.get();
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (passes.get() < after + 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            } finally {
                writing.set(false);
                searcher.join();
                maintainer.join();
            }

            assertTrue(failures.isEmpty(), "failures while busy: " + failures);
            assertTrue(searches.get() > 10, "searches ran: " + searches.get());
            assertTrue(passes.get() > 2, "maintenance passes: " + passes.get());
            assertTrue(indexPasses.stream().anyMatch(p -> p.indexesCreated().contains("vector_idx")), "vector index built: " + indexPasses);

            assertEquals(expected.size(), table.countRows(null));
            List<Map<String, Object>> rows = TableReads.rows(table, ScanRequest.rows(null, List.of(TableSchema.TEXT)));
            Map<String, String> actual = new HashMap<>();
            rows.forEach(row -> actual.put((String) row.get(TableSchema.ID), (String) row.get(TableSchema.TEXT)));
            assertEquals(expected, actual);
            TableStats stats = table.stats();
            // every commit adds a fragment or more: without compaction there would be at least BATCHES
            assertTrue(stats.fragments() < BATCHES / 2, "compacted: " + stats.fragments() + " fragments");
        }
    }

    private static Row row(String id, String text, long seq) {
        return new Row(id, text, vector(id.hashCode()), "test-model", "busy", seq, 1_700_000_000_000L);
    }

    private static float[] vector(int seed) {
        Random random = new Random(seed);
        float[] vector = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            vector[i] = random.nextFloat() - 0.5f;
        }
        return vector;
    }
}
