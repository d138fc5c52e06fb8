package dev.lancebridge.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Finds the items at fault in a batch that failed as a whole: the batch is split in halves and
 * each half tried again, down to single items, so that one poison event costs its batch
 * ~2·log2(n) extra attempts instead of the whole batch's deliveries. Pure: the attempt is a function.
 */
final class Bisect {

    /** One attempt on the items {@code [from, to)}; throws when it fails. */
    @FunctionalInterface
    interface Attempt<R> {
        R on(int from, int to);
    }

    /** A range that succeeded, with what its attempt returned. */
    record Range<R>(int from, int to, R result) {
    }

    /** What a bisection found: the ranges that succeeded, in order, and each item that failed alone with its error. */
    record Found<R>(List<Range<R>> succeeded, Map<Integer, RuntimeException> failed) {
    }

    private Bisect() {
    }

    /**
     * {@code attempt} on all {@code size} items has failed; tries halves recursively. An error
     * {@code escalate} accepts (e.g. an outage: nobody's fault) ends the search and is rethrown.
     */
    static <R> Found<R> isolate(int size, Attempt<R> attempt, RuntimeException failure, Predicate<RuntimeException> escalate) {
        Found<R> found = new Found<>(new ArrayList<>(), new TreeMap<>());
        split(0, size, failure, attempt, escalate, found);
        return found;
    }

    private static <R> void split(int from, int to, RuntimeException failure, Attempt<R> attempt,
                                  Predicate<RuntimeException> escalate, Found<R> found) {
        if (to - from == 1) {
            found.failed().put(from, failure);
            return;
        }
        int middle = (from + to) >>> 1;
        tryRange(from, middle, attempt, escalate, found);
        tryRange(middle, to, attempt, escalate, found);
    }

    private static <R> void tryRange(int from, int to, Attempt<R> attempt, Predicate<RuntimeException> escalate, Found<R> found) {
        R result;
        try {
            result = attempt.on(from, to);
        } catch (RuntimeException failure) {
            if (escalate.test(failure)) {
                throw failure;
            }
            split(from, to, failure, attempt, escalate, found);
            return;
        }
        found.succeeded().add(new Range<>(from, to, result));
    }
}
