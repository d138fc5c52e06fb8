package dev.lancebridge.ingest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BisectTest {

    /** Fails a range when it holds one of {@code poison}; counts attempts. */
    private static final class Batch implements Bisect.Attempt<List<Integer>> {
        final Set<Integer> poison;
        final List<String> attempts = new ArrayList<>();

        Batch(Integer... poison) {
            this.poison = Set.of(poison);
        }

        @Override
        public List<Integer> on(int from, int to) {
            attempts.add(from + ".." + to);
            List<Integer> range = IntStream.range(from, to).boxed().toList();
            for (Integer item : range) {
                if (poison.contains(item)) {
                    throw new IllegalArgumentException("item " + item + " is poison");
                }
            }
            return range;
        }
    }

    @Test
    void onePoisonItemIsFoundAndEveryOtherItemSucceedsInOrder() {
        Batch batch = new Batch(37);
        Bisect.Found<List<Integer>> found = Bisect.isolate(100, batch, new IllegalArgumentException("all"), e -> false);
        assertEquals(Set.of(37), found.failed().keySet());
        assertEquals("item 37 is poison", found.failed().get(37).getMessage());
        List<Integer> succeeded = found.succeeded().stream().flatMap(range -> range.result().stream()).toList();
        assertEquals(IntStream.range(0, 100).filter(i -> i != 37).boxed().toList(), succeeded);
        assertTrue(batch.attempts.size() <= 2 * 7, "about 2·log2(100) attempts: " + batch.attempts);
    }

    @Test
    void severalPoisonItemsAreEachFoundWithTheirOwnError() {
        Bisect.Found<List<Integer>> found = Bisect.isolate(10, new Batch(0, 5, 9), new IllegalArgumentException("all"), e -> false);
        assertEquals(Set.of(0, 5, 9), found.failed().keySet());
        assertEquals("item 9 is poison", found.failed().get(9).getMessage());
        assertEquals(7, found.succeeded().stream().mapToInt(range -> range.to() - range.from()).sum());
    }

    @Test
    void whenEveryItemFailsNothingSucceeds() {
        Bisect.Found<List<Integer>> found = Bisect.isolate(4, (from, to) -> {
            throw new IllegalStateException("disk full");
        }, new IllegalStateException("disk full"), e -> false);
        assertEquals(Set.of(0, 1, 2, 3), found.failed().keySet());
        assertTrue(found.succeeded().isEmpty());
    }

    @Test
    void aSingleItemIsTheOneAtFaultWithoutAnotherAttempt() {
        IllegalArgumentException failure = new IllegalArgumentException("it");
        Bisect.Found<List<Integer>> found = Bisect.isolate(1, (from, to) -> {
            throw new AssertionError("not attempted again");
        }, failure, e -> false);
        assertSame(failure, found.failed().get(0));
    }

    @Test
    void anEscalatedErrorEndsTheSearch() {
        IllegalStateException outage = new IllegalStateException("endpoint down");
        assertSame(outage, assertThrows(IllegalStateException.class, () -> Bisect.isolate(8, (from, to) -> {
            throw outage;
        }, new IllegalArgumentException("first"), e -> e == outage)));
        assertEquals(Set.of(1), Bisect.isolate(2, new Batch(1), new IllegalArgumentException("x"), e -> false).failed().keySet()
                .stream().collect(Collectors.toSet()));
    }
}
