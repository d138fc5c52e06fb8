package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.support.S3Proxy;
import dev.lancebridge.support.TableReads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table on an S3-compatible object store (S3Proxy 4.1.0, a real server): everything the writer
 * keeps lands in the bucket, survives a reopen, is maintained there (compaction, version cleanup,
 * the vector index), and a store that would lose commits, answers garbage or is gone is refused
 * or fails loudly, never silently.
 */
class ObjectStoreTableIT {

    private static final int DIM = 4;

    @TempDir
    static Path dir;
    private static S3Proxy s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Proxy.start(S3Proxy.VERSION, dir.resolve("s3"));
    }

    @AfterAll
    static void stopS3() throws InterruptedException {
        s3.close();
    }

    private static Row row(String id, String text, long seq) {
        float[] vector = {seq % 7, 1, id.hashCode() % 5, 0.5f};
        return new Row(id, text, vector, "test-model", "events.t", seq, 1_700_000_000_000L + seq);
    }

    private static StoreLocation location(String prefix) {
        return StoreLocation.of(s3.uri(prefix), s3.options());
    }

    @Test
    void tablesTombstonesAndIndexesLiveInTheBucketAndSurviveAReopen() throws IOException {
        StoreLocation location = location("reopen");
        try (LanceStore store = new LanceStore(location, new IndexPolicy(200, 100_000, 16, 100))) {
            store.requireSafeCommits();
            LanceTable table = store.open("events", DIM, "test-model");
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                rows.add(row("r-" + i, "text " + i, i + 1));
            }
            table.commit(rows.subList(0, 150));
            table.commit(rows.subList(150, 300));
            table.commit(List.of(new Deletion("r-7", 400), row("r-8", "updated", 401)));
            assertEquals(299, table.countRows(null));
            // maintenance on the object store: compaction, cleanup of old versions, the vector index
            MaintenanceStats pass = table.maintain(Duration.ZERO);
            assertEquals(MaintenanceStats.Outcome.OK, pass.outcome(), pass.error());
            assertEquals(1, pass.fragmentsAfter());
            assertTrue(pass.versionsRemoved() > 0, "old versions cleaned up on S3: " + pass);
            assertTrue(pass.indexesCreated().stream().anyMatch(name -> name.contains("vector")), "vector index built on S3: " + pass);
            assertEquals(-1, table.stats().diskBytes(), "no directory walk on an object store");
        }
        List<String> objects = s3.objects().stream().map(path -> s3.bucketDirectory().relativize(path).toString()).toList();
        assertTrue(objects.stream().anyMatch(name -> name.startsWith("reopen/events.lance/_versions/")), objects.toString());
        assertTrue(objects.stream().anyMatch(name -> name.startsWith("reopen/events.lance/_indices/")), objects.toString());
        assertTrue(objects.stream().anyMatch(name -> name.startsWith("reopen/_bridge/events.tombstones.lance/")), objects.toString());
        assertFalse(objects.stream().anyMatch(name -> name.contains("conditional-put-probe")), "the probe object is removed");

        try (LanceStore reopened = new LanceStore(location, IndexPolicy.DEFAULT)) {
            LanceTable table = reopened.open("events", DIM, "test-model");
            assertEquals(299, table.countRows(null));
            // the tombstone came back from the bucket: a replay of the deleted row stays deleted
            table.commit(List.of(row("r-7", "replayed", 7)));
            assertEquals(0, table.countRows("id = 'r-7'"));
            assertEquals("updated", TableReads.rows(table, ScanRequest.rows("id = 'r-8'", table.scalarColumns()).paged(10, 0))
                    .get(0).get("text"));
            assertEquals(1, TableReads.nearest(table, new float[] {1, 1, 1, 1}, 1, "id = 'r-9'", table.scalarColumns()).size());
            assertEquals(java.util.Optional.of(new StoredEmbedding("test-model", DIM)), reopened.storedEmbedding("events"));
            assertEquals(java.util.Optional.empty(), reopened.storedEmbedding("never-made"));
            assertTrue(reopened.writable());
        }
    }

    @Test
    void aStoreThatIgnoresConditionalPutIsRefusedWithTheReason() throws Exception {
        try (S3Proxy unsafe = S3Proxy.start(S3Proxy.IGNORES_CONDITIONAL_PUT, dir.resolve("unsafe"));
             LanceStore store = new LanceStore(StoreLocation.of(unsafe.uri("t"), unsafe.options()), IndexPolicy.DEFAULT)) {
            UnsafeStoreException refused = assertThrows(UnsafeStoreException.class, store::requireSafeCommits);
            assertTrue(refused.getMessage().contains("ignores conditional PUT"), refused.getMessage());
            assertTrue(refused.getMessage().contains("lost"), refused.getMessage());
        }
    }

    @Test
    void anEndpointThatIsNotS3OrWrongCredentialsAreRefusedNotGuessed() throws Exception {
        // a peer answering garbage: an HTTP port that is no S3 server
        try (ServerSocket garbage = new ServerSocket(0)) {
            Thread answer = new Thread(() -> {
                while (!garbage.isClosed()) {
                    try (var socket = garbage.accept()) {
                        socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "garbage-s3");
            answer.setDaemon(true);
            answer.start();
            Map<String, String> options = new java.util.HashMap<>(s3.options());
            options.put("aws_endpoint", "http://127.0.0.1:" + garbage.getLocalPort());
            try (LanceStore store = new LanceStore(StoreLocation.of("s3://lance/garbage", options), IndexPolicy.DEFAULT)) {
                UnsafeStoreException refused = assertThrows(UnsafeStoreException.class, store::requireSafeCommits);
                assertTrue(refused.getMessage().contains("could not check the object store"), refused.getMessage());
            }
        }
        Map<String, String> wrongSecret = new java.util.HashMap<>(s3.options());
        wrongSecret.put("aws_secret_access_key", "not-the-secret");
        try (LanceStore store = new LanceStore(StoreLocation.of(s3.uri("wrong"), wrongSecret), IndexPolicy.DEFAULT)) {
            UnsafeStoreException refused = assertThrows(UnsafeStoreException.class, store::requireSafeCommits);
            assertTrue(refused.getMessage().contains("could not check the object store"), refused.getMessage());
            assertFalse(refused.getMessage().contains("not-the-secret"), refused.getMessage());
            assertFalse(store.writable());
        }
    }

    @Test
    void theStoreGoneFailsTheCommitLoudlyAndNothingCommittedIsLost() throws Exception {
        try (S3Proxy own = S3Proxy.start(S3Proxy.VERSION, dir.resolve("gone"))) {
            Path objects = own.bucketDirectory();
            StoreLocation location = StoreLocation.of(own.uri("t"), own.options());
            try (LanceStore store = new LanceStore(location, IndexPolicy.DEFAULT)) {
                LanceTable table = store.open("events", DIM, "test-model");
                table.commit(List.of(row("a", "one", 1), row("b", "two", 2)));
                own.kill();
                assertThrows(RuntimeException.class, () -> table.commit(List.of(row("c", "three", 3))));
                assertFalse(store.writable());
            }
            assertTrue(Files.isDirectory(objects));
        }
        // the same objects served again: what was committed is there, the failed batch is not (it is replayed)
        try (S3Proxy again = S3Proxy.start(S3Proxy.VERSION, dir.resolve("gone"));
             LanceStore store = new LanceStore(StoreLocation.of(again.uri("t"), again.options()), IndexPolicy.DEFAULT)) {
            LanceTable table = store.open("events", DIM, "test-model");
            assertEquals(2, table.countRows(null));
            table.commit(List.of(row("c", "three", 3)));
            assertEquals(3, table.countRows(null));
        }
    }
}
