package dev.lancebridge.ingest;

import java.time.Duration;

/** The time a pipeline reads and waits on; tests give one that moves only when they say. */
interface PipelineClock {

    PipelineClock SYSTEM = new PipelineClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        }
    };

    long nanoTime();

    void sleep(Duration duration) throws InterruptedException;
}
