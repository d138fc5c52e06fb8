package dev.lancebridge.ingest;

import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.store.CommitStats;
import dev.lancebridge.store.LanceTable;

import java.util.List;

/** The write step: one commit of a batch to the table's single writer ({@link LanceTable#commit} in production). */
@FunctionalInterface
interface Committer {
    CommitStats commit(List<Normalized> changes);

    /** Whether the store takes writes at all (a full disk or a read-only directory does not). */
    default boolean writable() {
        return true;
    }

    /** The consumer has acked every event at or below {@code seq} (what the table may forget about them). */
    default void ackedThrough(long seq) {
    }

    static Committer of(Committer commit, java.util.function.BooleanSupplier writable, java.util.function.LongConsumer ackedThrough) {
        return new Committer() {
            @Override
            public CommitStats commit(List<Normalized> changes) {
                return commit.commit(changes);
            }

            @Override
            public boolean writable() {
                return writable.getAsBoolean();
            }

            @Override
            public void ackedThrough(long seq) {
                ackedThrough.accept(seq);
            }
        };
    }
}
