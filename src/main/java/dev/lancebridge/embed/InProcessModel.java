package dev.lancebridge.embed;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The models that run in this JVM on ONNX Runtime; their weights ship inside Maven jars (LangChain4j's), nothing is downloaded. */
public enum InProcessModel {
    /** sentence-transformers' all-MiniLM-L6-v2: the default. */
    MINILM("all-MiniLM-L6-v2", "all-MiniLM-L6-v2", 384, "all-minilm-l6-v2", OnnxSentenceModel.Pooling.MEAN, false),
    /**
     * all-MiniLM-L6-v2, 8-bit quantized: faster, at a cost in recall against the fp32 model
     * (measured in the benchmark report).
     */
    MINILM_Q("all-MiniLM-L6-v2-q", "all-MiniLM-L6-v2", 384, "all-minilm-l6-v2-q", OnnxSentenceModel.Pooling.MEAN, true),
    /** BAAI's bge-small-en-v1.5, 8-bit quantized: better retrieval quality than MiniLM at a similar cost. */
    BGE_SMALL_Q("bge-small-en-v1.5-q", "BAAI/bge-small-en-v1.5", 384, "bge-small-en-v1.5-q", OnnxSentenceModel.Pooling.CLS, true);

    private final String modelName;
    private final String sentenceTransformersName;
    private final int dimension;
    /** The class-path resources {@code <name>.onnx} and {@code <name>-tokenizer.json}. */
    private final String resources;
    private final OnnxSentenceModel.Pooling pooling;
    private final boolean quantized;

    InProcessModel(String modelName, String sentenceTransformersName, int dimension, String resources,
                   OnnxSentenceModel.Pooling pooling, boolean quantized) {
        this.modelName = modelName;
        this.sentenceTransformersName = sentenceTransformersName;
        this.dimension = dimension;
        this.resources = resources;
        this.pooling = pooling;
        this.quantized = quantized;
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

    OnnxSentenceModel load() {
        return OnnxSentenceModel.load(resources + ".onnx", resources + "-tokenizer.json", pooling, quantized);
    }

    /** The model of a name ({@code all-MiniLM-L6-v2}, {@code all-MiniLM-L6-v2-q}, ...), or an error listing them. */
    public static InProcessModel named(String name) {
        return Arrays.stream(values()).filter(model -> model.modelName.equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no in-process model '" + name + "'; one of "
                        + Arrays.stream(values()).map(InProcessModel::modelName).collect(Collectors.joining(", "))));
    }
}
