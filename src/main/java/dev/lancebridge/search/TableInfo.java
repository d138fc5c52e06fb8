package dev.lancebridge.search;

import dev.lancebridge.store.IndexInfo;
import dev.lancebridge.store.MaintenanceStats;

import java.util.List;
import java.util.Map;

/**
 * What a table is and holds, and how its storage looks.
 *
 * @param columns         the declared columns and their types (beside the columns every table has)
 * @param fragments       data fragments of the latest version (compaction keeps them few)
 * @param versions        versions on disk (cleanup removes those past the retention, tagged ones stay)
 * @param indexes         every index, with the rows it does not cover yet
 * @param diskBytes       bytes on disk, every version included
 * @param lastMaintenance the last maintenance pass (null before the first): when, how long, outcome, what it did
 * @param replica         on a search replica: the version it serves and how far behind the writer it was (absent on the writer)
 */
public record TableInfo(String name, long rows, long version, String stream, List<String> subjects,
                        Map<String, String> columns, Embedding embedding, String path, int fragments, int versions, List<IndexInfo> indexes,
                        long diskBytes, MaintenanceStats lastMaintenance,
                        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                        dev.lancebridge.replica.FollowState replica) {

    /** The embedder the table declares, the model its vectors are from, and their length. */
    public record Embedding(String embedder, String model, int dimension) {
    }
}
