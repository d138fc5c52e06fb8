package dev.lancebridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and minor page faults a process has used so far, from {@code /proc/<pid>/stat}
 * (Linux): every thread, native ones included, which is where Lance's work runs.
 */
record ProcessUsage(double cpuMs, long minorFaults) {

    static final ProcessUsage ZERO = new ProcessUsage(0, 0);

    /** Clock ticks per second of {@code utime}/{@code stime}: 100 on Linux (USER_HZ). */
    private static final double TICK_MS = 10;

    static ProcessUsage of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after "(comm)": the command name may hold spaces
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new ProcessUsage((Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_MS, Long.parseLong(fields[7]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProcessUsage self() {
        return of(ProcessHandle.current().pid());
    }

    ProcessUsage minus(ProcessUsage before) {
        return new ProcessUsage(cpuMs - before.cpuMs, minorFaults - before.minorFaults);
    }

    ProcessUsage plus(ProcessUsage other) {
        return new ProcessUsage(cpuMs + other.cpuMs, minorFaults + other.minorFaults);
    }
}
