package dev.lancebridge.embed;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * An {@link InProcessModel} running in this JVM on ONNX Runtime. A batch is spread over the
 * threads given (one per core), shared by every in-process model.
 */
public class InProcessEmbedder implements Embedder, AutoCloseable {

    /** The default model's name, as LanceDB's sentence-transformers registry knows it. */
    public static final String MODEL = InProcessModel.MINILM.modelName();
    public static final int DIMENSION = InProcessModel.MINILM.dimension();

    private final InProcessModel kind;
    private final OnnxSentenceModel model;
    private final ThreadPoolExecutor threads;
    /** Whether this embedder made its threads itself and shuts them down on close (else they are shared). */
    private final boolean ownsThreads;

    /** {@code kind} on shared threads. */
    public InProcessEmbedder(InProcessModel kind, ThreadPoolExecutor threads) {
        this(kind, threads, false);
    }

    /** {@code kind} on {@code count} threads of its own, shut down on close (tests, benchmarks). */
    public InProcessEmbedder(InProcessModel kind, int count) {
        this(kind, Embedders.threads(count), true);
    }

    /** all-MiniLM-L6-v2 on {@code count} threads of its own. */
    public InProcessEmbedder(int count) {
        this(InProcessModel.MINILM, count);
    }

    private InProcessEmbedder(InProcessModel kind, ThreadPoolExecutor threads, boolean ownsThreads) {
        this.kind = kind;
        this.model = kind.load();
        this.threads = threads;
        this.ownsThreads = ownsThreads;
    }

    @Override
    public String model() {
        return kind.modelName();
    }

    @Override
    public int dimension() {
        return kind.dimension();
    }

    @Override
    public Optional<LanceDbFunction> lancedbFunction() {
        return Optional.of(kind.lancedbFunction());
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        try {
            return texts.isEmpty() ? List.of() : model.embed(texts, threads);
        } catch (EmbedderUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EmbeddingException("in-process " + kind.modelName() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
        if (ownsThreads) {
            threads.shutdownNow();
        }
    }
}
