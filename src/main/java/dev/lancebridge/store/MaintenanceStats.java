package dev.lancebridge.store;

/**
 * What one maintenance pass did.
 *
 * @param fragmentsBefore data fragments before compaction
 * @param fragmentsAfter  data fragments after it
 * @param versionsRemoved old versions cleaned up (tagged ones are kept)
 * @param bytesRemoved    disk bytes freed
 * @param version         the table version after the pass
 */
public record MaintenanceStats(int fragmentsBefore, int fragmentsAfter, long versionsRemoved, long bytesRemoved, long version) {
}
