package dev.lancebridge.bench;

import dev.lancebridge.support.BridgeProcess;

/**
 * A bridge started on a stream that already holds a backlog, watched until it has acked (that
 * is, committed: it acks only after the commit) every message. Reads JetStream, not the bridge,
 * every 50 ms, so watching adds little load to what is measured. The rate is timed from a given
 * ack on (by default the 10,000th) when the backlog is at least twice as large, else from the
 * first; the CPU of the bridge and of nats-server over the same window is kept beside it.
 *
 * @param bridgeCpu  the bridge's CPU over the timed window, in cores (1.0 = one core busy)
 * @param brokerCpu  nats-server's, likewise
 */
record Drain(double eventsPerSecond, double seconds, long peakRssMiB, double bridgeCpu, double brokerCpu) {

    /** Acks before the rate is timed by default, when the backlog is at least twice as many. */
    static final long WARM_UP = 10_000;

    static Drain watch(Broker broker, BridgeProcess bridge, long total) throws Exception {
        return watch(broker, bridge, total, WARM_UP);
    }

    /** @param timedFromAck the ack the rate is timed from (the acks before are the warm-up) */
    static Drain watch(Broker broker, BridgeProcess bridge, long total, long timedFromAck) throws Exception {
        long warmUp = total >= 2 * timedFromAck ? timedFromAck : 1;
        long timedFrom = 0;
        long ackedAtTimed = 0;
        ProcessUsage bridgeAtTimed = null;
        ProcessUsage brokerAtTimed = null;
        long peakRss = 0;
        long started = System.nanoTime();
        while (true) {
            long acked = broker.acked(total);
            peakRss = Math.max(peakRss, bridge.rssMiB());
            if (timedFrom == 0 && acked >= warmUp) {
                timedFrom = System.nanoTime();
                ackedAtTimed = acked;
                bridgeAtTimed = ProcessUsage.of(bridge.pid());
                brokerAtTimed = ProcessUsage.of(broker.pid());
            }
            if (acked >= total) {
                break;
            }
            if (System.nanoTime() - started > 1_800_000_000_000L) {
                throw new IllegalStateException("no full drain within 30 minutes: " + acked + " of " + total);
            }
            Thread.sleep(50);
        }
        long end = System.nanoTime();
        double window = (end - timedFrom) / 1e9;
        double rate = ackedAtTimed >= total ? Double.NaN : (total - ackedAtTimed) / window;
        double bridgeCpu = ProcessUsage.of(bridge.pid()).minus(bridgeAtTimed).cpuMs() / 1000 / window;
        double brokerCpu = ProcessUsage.of(broker.pid()).minus(brokerAtTimed).cpuMs() / 1000 / window;
        return new Drain(rate, (end - started) / 1e9, peakRss, bridgeCpu, brokerCpu);
    }

    /** What the two processes used while the rate was timed. */
    String cpu() {
        return String.format("CPU: bridge %.2f cores, nats-server %.2f cores", bridgeCpu, brokerCpu);
    }
}
