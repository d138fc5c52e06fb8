package dev.lancebridge.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lancebridge.config.Slices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A BERT sentence-embedding model on ONNX Runtime, run on whole batches: texts of similar length go
 * through the model together (one session run per small group instead of one per text), the
 * groups spread over the embedder threads, each run on one core. The vectors are those of LangChain4j's
 * in-process models on the same weights, which {@code OnnxSentenceModelTest} checks: pooled,
 * L2-normalised, a text's first tokens only (MiniLM: 126, BGE: 510). A dynamically quantized model
 * runs one text per run: its activations are scaled by the whole run's range, so a text's
 * neighbours in a run would move its vector (cosine 0.997 measured).
 */
final class OnnxSentenceModel implements AutoCloseable {

    /** How a text's vector is read from the model's last hidden state. */
    enum Pooling {
        /** The mean over the text's tokens (sentence-transformers' MiniLM). */
        MEAN,
        /** The [CLS] token's state (BGE). */
        CLS
    }

    /**
     * Padded tokens a run takes at most (a longer text runs alone). Measured on MiniLM and WordNet
     * glosses (~20 tokens), 3,000 texts in batches of 500 on 2 cores: runs of 4,096 tokens 413
     * texts/s, 256 tokens 664 (128 to 384 within 5%), one text per run 424 (LangChain4j's way).
     * Small runs stay in the cache and spread a batch evenly over the threads.
     */
    private static final int RUN_TOKENS = 256;
    /** Fewer texts than twice this are tokenized on the caller alone (a query, a small batch). */
    private static final int MIN_TOKENIZE_SLICE = 32;

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final WordPiece tokenizer;
    private final Pooling pooling;
    private final boolean takesTypeIds;
    private final boolean oneTextPerRun;
    /** Runs hold it shared; close takes it alone, so a session is never freed under a run. */
    private final ReadWriteLock open = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxSentenceModel(OrtSession session, WordPiece tokenizer, Pooling pooling, boolean oneTextPerRun) throws OrtException {
        this.session = session;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.oneTextPerRun = oneTextPerRun;
        this.takesTypeIds = session.getInputNames().contains("token_type_ids");
    }

    /** The model and tokenizer shipped as class-path resources (inside the model's Maven jar). */
    static OnnxSentenceModel load(String modelResource, String tokenizerResource, Pooling pooling, boolean quantized) {
        try {
            WordPiece tokenizer;
            try (InputStream json = resource(tokenizerResource)) {
                tokenizer = WordPiece.read(json);
            }
            byte[] weights;
            try (InputStream model = resource(modelResource)) {
                weights = model.readAllBytes();
            }
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            // parallel across runs (one per embedder thread), not inside one: no thread pool per session
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OnnxSentenceModel(OrtEnvironment.getEnvironment().createSession(weights, options), tokenizer, pooling, quantized);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelResource + " or " + tokenizerResource, e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + modelResource + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream stream = OnnxSentenceModel.class.getClassLoader().getResourceAsStream(name);
        if (stream == null) {
            throw new IOException(name + " is not on the class path");
        }
        return stream;
    }

    /** One normalised vector per text, in order; the work spread over {@code threads}. */
    List<float[]> embed(List<String> texts, ThreadPoolExecutor threads) {
        Sequence[] tokenized = new Sequence[texts.size()];
        Slices.run(texts.size(), MIN_TOKENIZE_SLICE, threads.getMaximumPoolSize(), threads, (from, to) -> {
            for (int text = from; text < to; text++) {
                tokenized[text] = sequence(tokenizer.encode(texts.get(text)));
            }
        });
        List<Sequence> sequences = java.util.Arrays.asList(tokenized);
        for (int text = 0; text < sequences.size(); text++) {
            if (sequences.get(text).input.length == 2) { // [CLS] [SEP]: no token between
                throw new IllegalArgumentException("cannot embed an empty or whitespace-only text (#" + text + " of the batch)");
            }
        }
        List<List<Sequence>> runs = oneTextPerRun ? sequences.stream().map(List::of).toList() : group(sequences);
        List<Callable<Void>> work = new ArrayList<>(runs.size());
        runs.forEach(run -> work.add(() -> {
            run(run);
            return null;
        }));
        runAll(work, threads);
        return normalized(sequences);
    }

    /** A text's ids as the model's input: [CLS] ids [SEP], cut to the tokenizer's length. */
    private Sequence sequence(int[] ids) {
        int length = Math.min(ids.length, tokenizer.maxLength() - 2);
        int[] input = new int[length + 2];
        input[0] = tokenizer.classificationId();
        System.arraycopy(ids, 0, input, 1, length);
        input[length + 1] = tokenizer.separatorId();
        return new Sequence(input);
    }

    /** Texts of similar length together, so padding costs little, in runs of at most {@link #RUN_TOKENS} padded tokens. */
    private static List<List<Sequence>> group(List<Sequence> sequences) {
        List<Sequence> byLength = new ArrayList<>(sequences);
        byLength.sort(Comparator.comparingInt(sequence -> sequence.input.length));
        List<List<Sequence>> runs = new ArrayList<>();
        List<Sequence> run = new ArrayList<>();
        for (Sequence sequence : byLength) {
            // the longest text so far sets the padded width (sorted: this one)
            if (!run.isEmpty() && (run.size() + 1) * sequence.input.length > RUN_TOKENS) {
                runs.add(run);
                run = new ArrayList<>();
            }
            run.add(sequence);
        }
        runs.add(run);
        return runs;
    }

    /** One session run over {@code run}: inputs padded to its longest text, the pooled state into each sequence. */
    private void run(List<Sequence> run) throws OrtException {
        int rows = run.size();
        int width = run.get(rows - 1).input.length;
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int row = 0; row < rows; row++) {
            int[] input = run.get(row).input;
            for (int position = 0; position < input.length; position++) {
                ids[row * width + position] = input[position];
                mask[row * width + position] = 1;
            }
        }
        long[] shape = {rows, width};
        open.readLock().lock();
        try {
            if (closed) {
                throw new EmbedderUnavailableException("the in-process model is closed", null);
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
                inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
                if (takesTypeIds) {
                    inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * width]), shape));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    OnnxTensor hidden = (OnnxTensor) result.get(0);
                    int size = (int) hidden.getInfo().getShape()[2];
                    pool(run, hidden.getFloatBuffer(), width, size);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        } finally {
            open.readLock().unlock();
        }
    }

    private void pool(List<Sequence> run, FloatBuffer states, int width, int size) {
        for (int row = 0; row < run.size(); row++) {
            Sequence sequence = run.get(row);
            float[] vector = new float[size];
            int tokens = pooling == Pooling.CLS ? 1 : sequence.input.length;
            for (int position = 0; position < tokens; position++) {
                int offset = (row * width + position) * size;
                for (int i = 0; i < size; i++) {
                    vector[i] += states.get(offset + i);
                }
            }
            for (int i = 0; i < size; i++) {
                vector[i] /= tokens;
            }
            sequence.vector = vector;
        }
    }

    /** Each text's vector (the sequences are in the batch's order), L2-normalised. */
    private static List<float[]> normalized(List<Sequence> sequences) {
        List<float[]> vectors = new ArrayList<>(sequences.size());
        for (Sequence sequence : sequences) {
            float[] vector = sequence.vector;
            double norm = 0;
            for (float value : vector) {
                norm += value * value;
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= scale;
            }
            vectors.add(vector);
        }
        return vectors;
    }

    /** Runs {@code work} on {@code threads} and waits for all of it (a single task on the caller); the first failure is thrown. */
    private static void runAll(List<Callable<Void>> work, ExecutorService threads) {
        List<Future<Void>> futures;
        if (work.size() == 1) {
            java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(work.get(0));
            task.run();
            futures = List.of(task);
        } else {
            try {
                futures = threads.invokeAll(work);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbedderUnavailableException("interrupted while embedding", e);
            }
        }
        for (Future<Void> future : futures) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbedderUnavailableException("interrupted while embedding", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("ONNX Runtime failed: " + cause.getMessage(), cause);
            }
        }
    }

    @Override
    public void close() {
        open.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX session", e);
        } finally {
            open.writeLock().unlock();
        }
    }

    /** One text as the model's input ids, and once run, its pooled state. */
    private static final class Sequence {
        final int[] input;
        float[] vector;

        Sequence(int[] input) {
            this.input = input;
        }
    }
}
