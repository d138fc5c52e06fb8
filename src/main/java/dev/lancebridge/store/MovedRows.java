package dev.lancebridge.store;

import dev.lancebridge.embed.StoredVectors;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last rows deleted by the first half of a Debezium primary-key change. Debezium sends a
 * delete of the old key, then a create of the new one whose image leaves unchanged TOASTed values
 * out; by then the old row may be deleted, so its values are kept here for the create. Bounded
 * (the create follows its delete at once), and in memory only: after a restart between the two
 * halves the create keeps what it carried.
 */
final class MovedRows {

    private static final int KEPT = 1_000;

    private final Map<String, StoredVectors.Stored> rows = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StoredVectors.Stored> eldest) {
            return size() > KEPT;
        }
    };

    /** Keeps {@code stored} (read with their values) before they are deleted. */
    synchronized void keep(Map<String, StoredVectors.Stored> stored) {
        rows.putAll(stored);
    }

    /** {@code found}, plus the kept rows of those {@code ids} it lacks. */
    synchronized Map<String, StoredVectors.Stored> addTo(Map<String, StoredVectors.Stored> found, Collection<String> ids) {
        Map<String, StoredVectors.Stored> all = null;
        for (String id : ids) {
            StoredVectors.Stored kept = found.containsKey(id) ? null : rows.get(id);
            if (kept != null) {
                all = all == null ? new HashMap<>(found) : all;
                all.put(id, kept);
            }
        }
        return all == null ? found : all;
    }
}
