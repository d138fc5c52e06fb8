package dev.lancebridge.bench;

import dev.lancebridge.support.BridgeProcess;

/**
 * A bridge started on a stream that already holds a backlog, watched until it has acked (that
 * is, committed: it acks only after the commit) every message. Reads JetStream, not the bridge,
 * so watching adds no load to what is measured.
 */
record Drain(double eventsPerSecond, double seconds, long peakRssMiB) {

    static Drain watch(Broker broker, BridgeProcess bridge, long total) throws Exception {
        long firstAck = 0;
        long ackedAtFirst = 0;
        long peakRss = 0;
        long started = System.nanoTime();
        while (true) {
            long acked = broker.acked(total);
            peakRss = Math.max(peakRss, bridge.rssMiB());
            if (firstAck == 0 && acked > 0) {
                firstAck = System.nanoTime();
                ackedAtFirst = acked;
            }
            if (acked >= total) {
                break;
            }
            if (System.nanoTime() - started > 1_800_000_000_000L) {
                throw new IllegalStateException("no full drain within 30 minutes: " + acked + " of " + total);
            }
            Thread.sleep(5);
        }
        long end = System.nanoTime();
        double rate = ackedAtFirst >= total ? Double.NaN : (total - ackedAtFirst) / ((end - firstAck) / 1e9);
        return new Drain(rate, (end - started) / 1e9, peakRss);
    }
}
