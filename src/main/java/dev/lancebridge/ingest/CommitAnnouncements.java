package dev.lancebridge.ingest;

import io.nats.client.Connection;
import io.nats.client.Message;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The writer's word to search replicas that a table has a new version: a core NATS message on
 * {@code _bridge.commits.<table>} carrying the version. Fire and forget: a replica that misses one
 * finds the version at its next check of the store ({@code bridge.replica.poll-interval}).
 */
public final class CommitAnnouncements {

    public static final String PREFIX = "_bridge.commits.";
    /** Every table's announcements. */
    public static final String ALL = PREFIX + "*";

    private CommitAnnouncements() {
    }

    static String subject(String table) {
        return PREFIX + table;
    }

    /** Announces {@code version} of {@code table}; a connection that is down or closed drops it (replicas poll). */
    public static void announce(Connection connection, String table, long version) {
        if (connection == null || connection.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            connection.publish(subject(table), Long.toString(version).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalStateException closing) {
            // closed meanwhile: replicas find the version at their next check
        }
    }

    /** The table an announcement is about; empty for a message that is not one. */
    public static Optional<String> table(Message message) {
        String subject = message.getSubject();
        return subject != null && subject.startsWith(PREFIX) && subject.length() > PREFIX.length()
                ? Optional.of(subject.substring(PREFIX.length())) : Optional.empty();
    }
}
