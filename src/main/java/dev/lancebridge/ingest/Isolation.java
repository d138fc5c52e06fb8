package dev.lancebridge.ingest;

import dev.lancebridge.embed.EmbedStage;
import dev.lancebridge.embed.EmbedderUnavailableException;
import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Rejection;
import dev.lancebridge.normalize.Row;
import dev.lancebridge.store.CommitStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * When a batch fails in embed or commit, tells the events at fault from the rest ({@link Bisect}):
 * those become rejections with the real error, the rest go on. When no event succeeds alone, or
 * the store says it cannot take writes, nobody's event is at fault and nothing is rejected.
 * Pure: the embed step and the committer are given.
 */
final class Isolation {

    private Isolation() {
    }

    /**
     * Embeds {@code changes}; when the embedder fails on the batch (an outage aside, which is
     * rethrown), the events it fails on alone become {@code EMBEDDING_FAILED} rejections and the
     * others keep their vectors. Rethrows the batch's failure when none of its rows embeds.
     */
    static EmbedStage.Embedded embed(EmbedStage stage, List<Normalized> changes) {
        try {
            return stage.embed(changes);
        } catch (EmbedderUnavailableException outage) {
            throw outage;
        } catch (RuntimeException failure) {
            Bisect.Found<EmbedStage.Embedded> found = Bisect.isolate(changes.size(),
                    (from, to) -> stage.embed(changes.subList(from, to)), failure, e -> e instanceof EmbedderUnavailableException);
            if (found.succeeded().stream().noneMatch(range -> holdsRow(changes, range))) {
                throw failure;
            }
            List<Normalized> result = new ArrayList<>(changes);
            int reused = 0;
            int computed = 0;
            for (Bisect.Range<EmbedStage.Embedded> range : found.succeeded()) {
                for (int i = range.from(); i < range.to(); i++) {
                    result.set(i, range.result().changes().get(i - range.from()));
                }
                reused += range.result().reused();
                computed += range.result().computed();
            }
            found.failed().forEach((i, error) -> result.set(i, new Rejection(Rejection.Reason.EMBEDDING_FAILED,
                    "the embedder failed on this event alone: " + error.getMessage(), changes.get(i).streamSeq())));
            return new EmbedStage.Embedded(result, reused, computed);
        }
    }

    /** How a batch's commit ended. */
    sealed interface Committed {
    }

    /** Every event of the batch is in the table. */
    record All(CommitStats stats) implements Committed {
    }

    /** The events at {@code failed} failed alone, with these errors; every other event is in the table. */
    record AllBut(Map<Integer, RuntimeException> failed) implements Committed {
    }

    /** The store cannot take writes, or no event could be committed alone: hold the batch, reject nothing. */
    record StoreFailing(RuntimeException failure) implements Committed {
    }

    /** A single event whose commit failed while the store takes writes: retry it with its deliveries. */
    record Failed(RuntimeException failure) implements Committed {
    }

    /** Commits {@code changes}; on failure, finds the events at fault as described above. */
    static Committed commit(Committer committer, List<Normalized> changes) {
        try {
            return new All(committer.commit(changes));
        } catch (RuntimeException failure) {
            if (!committer.writable()) {
                return new StoreFailing(failure);
            }
            if (changes.size() == 1) {
                return new Failed(failure);
            }
            Bisect.Found<CommitStats> found = Bisect.isolate(changes.size(),
                    (from, to) -> committer.commit(changes.subList(from, to)), failure, e -> false);
            if (found.succeeded().stream().noneMatch(range -> holdsChange(changes, range))) {
                return new StoreFailing(failure);
            }
            return new AllBut(found.failed());
        }
    }

    private static boolean holdsRow(List<Normalized> changes, Bisect.Range<?> range) {
        return changes.subList(range.from(), range.to()).stream().anyMatch(change -> change instanceof Row);
    }

    private static boolean holdsChange(List<Normalized> changes, Bisect.Range<?> range) {
        return changes.subList(range.from(), range.to()).stream().anyMatch(change -> change instanceof Row || change instanceof Deletion
                || change instanceof dev.lancebridge.normalize.Truncation);
    }
}
