package dev.lancebridge.config;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the bridge's own executors: named for thread dumps and logs, and daemons, so that
 * none keeps the JVM alive past shutdown. In this bottom package because every stage has some.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
