package dev.lancebridge.ingest;

import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.embed.EmbedderUnavailableException;
import dev.lancebridge.embed.EmbeddingException;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Normalizer;
import dev.lancebridge.normalize.RawEvent;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.CommitStats;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which events of a failed batch are at fault; against real pipelines: CommitFailureTest and DeclaredTablesTest. */
class IsolationTest {

    private static final Normalizer NORMALIZER = dev.lancebridge.support.Declared.plainNormalizer(2);

    private static List<Normalized> batch(String... texts) {
        List<Normalized> changes = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            String payload = texts[i] == null ? "{\"id\": \"e" + i + "\"}" : "{\"id\": \"e" + i + "\", \"text\": \"" + texts[i] + "\"}";
            changes.add(NORMALIZER.normalize(new RawEvent("EVENTS", i + 1, "events.x", 0, null, null,
                    payload.getBytes(StandardCharsets.UTF_8))));
        }
        return changes;
    }

    /** Refuses any call that holds a text containing "poison", as a remote endpoint's 400 would. */
    private static final class PickyEmbedder implements Embedder {
        int calls;
        RuntimeException outage;

        @Override
        public String model() {
            return "picky";
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            calls++;
            if (outage != null) {
                throw outage;
            }
            for (String text : texts) {
                if (text.contains("poison")) {
                    throw new EmbeddingException("400 Bad Request: cannot embed '" + text + "'", null);
                }
            }
            return texts.stream().map(text -> new float[] {1, text.length()}).toList();
        }

        @Override
        public Optional<dev.lancebridge.embed.LanceDbFunction> lancedbFunction() {
            return Optional.empty();
        }
    }

    @Test
    void theTextTheEmbedderRefusesIsRejectedAndTheOthersAreEmbedded() {
        PickyEmbedder embedder = new PickyEmbedder();
        List<Normalized> changes = batch("one", "two", "a poison pill", "four", null);
        EmbedStage.Embedded embedded = Isolation.embed(new EmbedStage(embedder), changes);
        Rejection rejected = assertInstanceOf(Rejection.class, embedded.changes().get(2));
        assertEquals(Rejection.Reason.EMBEDDING_FAILED, rejected.reason());
        assertTrue(rejected.detail().contains("400 Bad Request"), rejected.detail());
        assertEquals(3, rejected.streamSeq());
        for (int i : new int[] {0, 1, 3}) {
            Row row = assertInstanceOf(Row.class, embedded.changes().get(i));
            assertEquals("picky", row.embeddingModel());
        }
        assertEquals(Rejection.Reason.MISSING_TEXT, ((Rejection) embedded.changes().get(4)).reason(), "the normalizer's verdict kept");
        assertEquals(3, embedded.computed());
    }

    @Test
    void whenNoRowEmbedsTheEmbedderIsAtFaultAndTheBatchFailsAsAWhole() {
        PickyEmbedder embedder = new PickyEmbedder();
        EmbeddingException failure = assertThrows(EmbeddingException.class,
                () -> Isolation.embed(new EmbedStage(embedder), batch("poison one", "poison two")));
        assertTrue(failure.getMessage().contains("poison one"), failure.getMessage());
    }

    @Test
    void anOutageIsNeverBisected() {
        PickyEmbedder embedder = new PickyEmbedder();
        embedder.outage = new EmbedderUnavailableException("503", null);
        assertSame(embedder.outage, assertThrows(EmbedderUnavailableException.class,
                () -> Isolation.embed(new EmbedStage(embedder), batch("one", "two", "three"))));
        assertEquals(1, embedder.calls);
    }

    /** Fails any commit that holds event id {@code poison}, or every commit while the disk is full. */
    private static final class FakeStore implements Committer {
        final Set<String> poison;
        boolean diskFull;
        boolean probeSeesIt = true;
        final List<Integer> committedSizes = new ArrayList<>();

        FakeStore(String... poison) {
            this.poison = Set.of(poison);
        }

        @Override
        public CommitStats commit(List<Normalized> changes) {
            if (diskFull) {
                throw new IllegalStateException("No space left on device (os error 28)");
            }
            for (Normalized change : changes) {
                if (change instanceof Row row && poison.contains(row.id())) {
                    throw new IllegalStateException("Lance refused row " + row.id());
                }
            }
            committedSizes.add(changes.size());
            return new CommitStats(changes.size(), 0, 0, 0, committedSizes.size());
        }

        @Override
        public boolean writable() {
            return !(diskFull && probeSeesIt);
        }
    }

    @Test
    void theEventThatCannotBeCommittedIsFoundAndTheRestCommit() {
        FakeStore store = new FakeStore("e5");
        Isolation.AllBut result = assertInstanceOf(Isolation.AllBut.class, Isolation.commit(store, batch("a", "b", "c", "d", "e", "f", "g", "h")));
        assertEquals(Set.of(5), result.failed().keySet());
        assertTrue(result.failed().get(5).getMessage().contains("Lance refused row e5"));
        assertEquals(7, store.committedSizes.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void aFullDiskIsNobodysFault() {
        FakeStore store = new FakeStore();
        store.diskFull = true;
        assertInstanceOf(Isolation.StoreFailing.class, Isolation.commit(store, batch("a", "b", "c")));
        assertTrue(store.committedSizes.isEmpty());
        // the probe does not see it (e.g. room for the probe, not for the commit): nothing commits alone, so still the store
        store.probeSeesIt = false;
        assertInstanceOf(Isolation.StoreFailing.class, Isolation.commit(store, batch("a", "b", "c")));
        store.diskFull = false;
        assertInstanceOf(Isolation.All.class, Isolation.commit(store, batch("a", "b", "c")));
    }

    @Test
    void aBatchOfOneThatFailsWhileTheStoreTakesWritesIsRetriedWithItsDeliveries() {
        assertInstanceOf(Isolation.Failed.class, Isolation.commit(new FakeStore("e0"), batch("a")));
    }

    @Test
    void rejectionsAloneDoNotProveTheStoreWorks() {
        FakeStore store = new FakeStore();
        store.diskFull = true;
        store.probeSeesIt = false;
        assertInstanceOf(Isolation.StoreFailing.class, Isolation.commit(new Committer() {
            @Override
            public CommitStats commit(List<Normalized> changes) {
                if (changes.stream().anyMatch(change -> change instanceof Row)) {
                    return store.commit(changes);
                }
                return new CommitStats(0, 0, 0, 0, 0);
            }
        }, batch("a", null, "c", null)));
    }
}
