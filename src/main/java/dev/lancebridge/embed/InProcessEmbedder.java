package dev.lancebridge.embed;

import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * An {@link InProcessModel} running in this JVM on ONNX Runtime. A batch is spread over the
 * threads given (one per core), shared by every in-process model.
 */
public class InProcessEmbedder implements Embedder, AutoCloseable {

    /** The default model's name, as LanceDB's sentence-transformers registry knows it. */
    public static final String MODEL = InProcessModel.MINILM.modelName();
    public static final int DIMENSION = InProcessModel.MINILM.dimension();

    private final InProcessModel kind;
    private final EmbeddingModel model;
    /** Threads this embedder made itself and shuts down on close; null when they are shared. */
    private final ExecutorService owned;

    /** {@code kind} on shared threads. */
    public InProcessEmbedder(InProcessModel kind, ExecutorService threads) {
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

    private InProcessEmbedder(InProcessModel kind, ExecutorService threads, boolean owned) {
        this.kind = kind;
        this.model = kind.load(threads);
        this.owned = owned ? threads : null;
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
            return LangChainModels.embedAll(model, texts);
        } catch (RuntimeException e) {
            throw new EmbeddingException("in-process " + kind.modelName() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.shutdownNow();
        }
    }
}
