package dev.lancebridge.store;

import dev.lancebridge.normalize.Deletion;
import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a batch's changes to one id is committed: a batch must not hold an id twice (two
 * source rows matching one stored row fail a merge-insert, two new ones are both inserted).
 */
final class NewestPerId {

    private NewestPerId() {
    }

    /** Per id, the newest row or deletion: the highest position, then the highest stream sequence. */
    static Map<String, Normalized> of(List<? extends Normalized> changes) {
        Map<String, Normalized> newest = new HashMap<>(changes.size() * 2);
        for (Normalized change : changes) {
            if (change instanceof Row row) {
                newest.merge(row.id(), change, NewestPerId::newer);
            } else if (change instanceof Deletion deletion) {
                newest.merge(deletion.id(), change, NewestPerId::newer);
            }
        }
        return newest;
    }

    private static Normalized newer(Normalized a, Normalized b) {
        long positionA = a instanceof Row row ? row.position() : ((Deletion) a).position();
        long positionB = b instanceof Row row ? row.position() : ((Deletion) b).position();
        if (positionA != positionB) {
            return positionB > positionA ? b : a;
        }
        return b.streamSeq() > a.streamSeq() ? b : a;
    }
}
