package dev.lancebridge.embed;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The models that run in this JVM on ONNX Runtime; their weights ship inside Maven jars, nothing is downloaded. */
public enum InProcessModel {
    /** sentence-transformers' all-MiniLM-L6-v2: the default. */
    MINILM("all-MiniLM-L6-v2", "all-MiniLM-L6-v2", 384, AllMiniLmL6V2EmbeddingModel::new),
    /** BAAI's bge-small-en-v1.5, 8-bit quantized: better retrieval quality than MiniLM at a similar cost. */
    BGE_SMALL_Q("bge-small-en-v1.5-q", "BAAI/bge-small-en-v1.5", 384, BgeSmallEnV15QuantizedEmbeddingModel::new);

    private final String modelName;
    private final String sentenceTransformersName;
    private final int dimension;
    private final Function<ExecutorService, EmbeddingModel> load;

    InProcessModel(String modelName, String sentenceTransformersName, int dimension,
                   Function<ExecutorService, EmbeddingModel> load) {
        this.modelName = modelName;
        this.sentenceTransformersName = sentenceTransformersName;
        this.dimension = dimension;
        this.load = load;
    }

    /** The name stored with every vector the model makes. */
    public String modelName() {
        return modelName;
    }

    public int dimension() {
        return dimension;
    }

    /** The same model in LanceDB's sentence-transformers registry (for the quantized model: its unquantized original). */
    LanceDbFunction lancedbFunction() {
        return new LanceDbFunction(LanceDbFunction.SENTENCE_TRANSFORMERS, sentenceTransformersName);
    }

    EmbeddingModel load(ExecutorService threads) {
        unpackNativeLibrariesToTemp();
        return load.apply(threads);
    }

    /**
     * DJL (the tokenizer) unpacks its library into {@code ~/.djl.ai} and JNA, which it uses, makes
     * {@code ~/.cache/JNA}, unless told otherwise. Under a read-only root filesystem only the temp
     * directory and the store are written, so both go beside the other native libraries.
     */
    private static void unpackNativeLibrariesToTemp() {
        String temp = System.getProperty("java.io.tmpdir");
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", java.nio.file.Path.of(temp, "djl").toString());
        }
        if (System.getProperty("jna.tmpdir") == null) {
            System.setProperty("jna.tmpdir", java.nio.file.Path.of(temp, "jna").toString());
        }
    }

    /** The model of a name ({@code all-MiniLM-L6-v2}, {@code bge-small-en-v1.5-q}), or an error listing them. */
    public static InProcessModel named(String name) {
        return Arrays.stream(values()).filter(model -> model.modelName.equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no in-process model '" + name + "'; one of "
                        + Arrays.stream(values()).map(InProcessModel::modelName).collect(Collectors.joining(", "))));
    }
}
