package dev.lancebridge.bench;

import dev.lancebridge.support.TableReads;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.ScanRequest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The search benchmark's in-process reference: the same search called on the Lance dataset, in a
 * JVM of its own that has done nothing but open the table, like the bridge's searches. In the
 * benchmark's JVM, which has loaded the corpus and published the table, glibc malloc's state made
 * Lance fault its buffers in again on every query, so the two sides were not alike. Driven in lock
 * step, one query per line on stdin, so that the benchmark still interleaves it with the HTTP calls.
 */
final class SearchReference implements AutoCloseable {

    /** One in-process search: its wall time and what the reference process spent on it. */
    record Answer(double ms, ProcessUsage usage) {
    }

    private static final String READY = "ready";
    private static final String ANSWER = "answer ";

    private final Process process;
    private final PrintWriter requests;
    private final BufferedReader answers;
    private final Path log;

    private SearchReference(Process process, Path log) {
        this.process = process;
        this.requests = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.log = log;
    }

    /** Starts the reference on the {@code events} table of {@code store}, searching {@code queries} (a JSON array of vectors). */
    static SearchReference start(Path store, Path queries, Path log) throws IOException {
        // the environment is inherited, so the reference runs under the bridge's settings (LANCE_CPU_THREADS, MALLOC_*)
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SearchReference.class.getName(), store.toString(), queries.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        SearchReference reference = new SearchReference(process, log);
        reference.expect(READY);
        return reference;
    }

    /** Runs query number {@code query} in the reference process: brute force, or through the vector index if the table has one. */
    Answer search(int query, boolean exact) throws IOException {
        requests.println(query + " " + exact);
        String[] fields = expect(ANSWER).substring(ANSWER.length()).split(" ");
        return new Answer(Double.parseDouble(fields[0]), new ProcessUsage(Double.parseDouble(fields[1]), Long.parseLong(fields[2])));
    }

    private String expect(String prefix) throws IOException {
        // skips anything else a library may print on stdout
        for (String line; (line = answers.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("the in-process search reference exited; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        requests.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    public static void main(String[] args) throws IOException {
        List<float[]> queries = Results.JSON.readValue(Path.of(args[1]).toFile(), new TypeReference<List<float[]>>() {
        });
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (LanceStore reader = new LanceStore(Path.of(args[0]))) {
            LanceTable table = reader.open("events", 384, InProcessEmbedder.MODEL);
            out.println(READY);
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                String[] fields = line.trim().split(" ");
                // the bridge's own defaults: both sides run the same scan
                ScanRequest search = IndexFigures.search(queries.get(Integer.parseInt(fields[0])), table.scalarColumns(),
                        Boolean.parseBoolean(fields[1]));
                ProcessUsage before = ProcessUsage.self();
                long start = System.nanoTime();
                TableReads.rows(table, search);
                double ms = (System.nanoTime() - start) / 1e6;
                ProcessUsage spent = ProcessUsage.self().minus(before);
                out.println(ANSWER + ms + " " + spent.cpuMs() + " " + spent.minorFaults());
                out.flush();
            }
        }
        System.exit(0);
    }
}
