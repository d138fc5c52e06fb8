package dev.lancebridge.store;

import java.util.List;

/**
 * What the latest version of a table holds and how its storage looks.
 *
 * @param fragments       data fragments (compaction merges small ones)
 * @param versions        versions still on disk (cleanup removes old ones)
 * @param diskBytes       bytes under the table's directory, every version included
 * @param lastMaintenance the last maintenance pass; null before the first
 */
public record TableStats(long rows, long version, int fragments, int versions, List<IndexInfo> indexes, long diskBytes,
                         MaintenanceStats lastMaintenance) {
}
