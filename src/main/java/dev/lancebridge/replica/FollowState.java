package dev.lancebridge.replica;

import java.time.Duration;
import java.time.Instant;

/**
 * How far a search replica's table is behind its writer, as last checked.
 *
 * @param version   the version the replica serves; -1 while the writer has not created the table
 * @param lagMs     for the last switch to a newer version: from its commit (the writer's clock) to
 *                  the replica serving it; -1 before the first switch
 * @param checkedAt when the replica last asked the store (successfully)
 * @param error     why the last check failed; null when it did not
 */
public record FollowState(long version, long lagMs, Instant checkedAt, String error) {

    static final FollowState NOT_YET = new FollowState(-1, -1, null, null);

    FollowState switched(long to, Duration lag, Instant now) {
        return new FollowState(to, Math.max(0, lag.toMillis()), now, null);
    }

    FollowState checked(long served, Instant now) {
        return new FollowState(served, lagMs, now, null);
    }

    FollowState failed(String why) {
        return new FollowState(version, lagMs, checkedAt, why);
    }

    /** Seconds since the last successful check: the bound on how stale the served version can be beyond {@link #lagMs}. */
    double secondsSinceCheck(Instant now) {
        return checkedAt == null ? Double.NaN : Duration.between(checkedAt, now).toMillis() / 1000.0;
    }
}
