package dev.lancebridge.api;

import jakarta.enterprise.context.RequestScoped;

/** The hits the searches of one GraphQL request have asked for so far (its aliases add up). */
@RequestScoped
public class RequestedHits {

    private long total;

    /** Adds a search's {@code k}; answers the total so far. */
    public synchronized long add(int k) {
        total += k;
        return total;
    }
}
