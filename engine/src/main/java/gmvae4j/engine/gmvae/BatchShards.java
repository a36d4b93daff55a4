package gmvae4j.engine.gmvae;

import gmvae4j.engine.Adam;
import gmvae4j.engine.PackedWeights;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.WeightGradients;
import gmvae4j.kernels.Kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A training batch cut into shards of rows, each shard's forward and backward pass one task: data
 * parallelism inside a step.
 *
 * <p>Why: at a batch of 128 a step is a chain of small products, each split over the cores and
 * joined again, with single-threaded passes in between; on two cores the second one idled for
 * about a third of a mixture step (JFR, z=10: 1,156 samples on the helper against 1,813 on the
 * main thread). Two shards of 64 rows, one per core, keep both busy from the first product to the
 * last. Each shard runs its kernels single-threaded (a kernel called inside a
 * {@link Kernels#parallelFor} task does), on a {@link Tape} of its own and on a
 * {@link TrainableGmvae#twin twin} of the model: the same parameter values, gradients of its own,
 * so no two shards write the same memory. The twins' gradients are then added to the model's,
 * except the linear layers' weight gradients (nearly all of the parameters): a shard records
 * those products on its tape ({@link WeightGradients}), and once every shard's backward pass is
 * done they run, each weight's in shard order, straight into the model's gradient, the weights
 * spread over the threads. So no twin's gradient holds a weight's, and the pass that added and
 * zeroed the twins' gradients covers only the biases and the mixture's parameters. A training
 * step ({@link #gmvaeStep}) goes one further: each weight's optimizer update runs in the task that
 * ran its products, once every gradient is known to be finite (the comment on {@code run} says how;
 * mixture z=10 0.90-0.91 of the step time with a separate update, one JVM, the same bits). So a
 * single shard defers its weights' products too (one thread: 0.94-0.95 of the step with the
 * products inside the backward pass and a separate update; `experiment` trains so). Measured, one
 * JVM, a step of each alternating (harness outside the repository, 1,250-1,320 steps each):
 * mixture z=10 6.82 → 6.58 and 6.69 → 6.44 ms, z=32 6.07 → 5.69, full covariance z=10
 * 6.24 → 5.85, the conv architecture 38.1 → 36.8 ms (a slow hour: the same steps took 5.1-5.5
 * ms in the measurements below), with the same bits; the marginal model level (200.7 → 201.5 and
 * 206.4 → 201.0 ms: its weights' products are uneven, one weight per thread); inside the step the optimizer's pass fell
 * from 0.96 to 0.61-0.63 ms (its arrays stay in cache more), the twins' sum from 0.33 to 0.01.
 * Measured on the 2-core Zen 5, one JVM, a step of one shard and a step of two alternating (each
 * with its Adam update, medians of 900-1,200 steps each): mixture z=10 5.48 → 5.13 ms and 5.42 →
 * 5.17, z=32 5.94 → 5.55, full covariance z=10 (what {@code train} runs on MNIST) 7.74 → 7.44,
 * marginal with the exact sum over K = 100 193.9 → 182.2 ms (72 steps each). Less than the helper's
 * idle third: each shard's products run at 64 rows on one core, and Adam (a sixth of the step)
 * and the gradients' sum are passes over memory that two cores share.
 *
 * <p>Side by side, the shards multiply by the same weights at about the same time, and each
 * product packed all of W (forward) and Wᵀ (backward) for itself: every weight packed twice a
 * step. They now pack each piece once between them ({@link PackedWeights}, the same bits), a new
 * generation at the start of every step since the weights changed in the one before. Measured,
 * one JVM per jar, the two jars alternating three times (20 s of steps each, 2026-12-05): mixture
 * z=10 4.74 → 4.66, 4.56 → 4.31, 4.54 → 4.47 ms; z=32 4.83 → 4.67, 4.73 → 4.50, 4.96 → 4.79 ms.
 *
 * <p>The math. The loss is a mean over the batch's B rows,
 * <pre>
 *   L = (1/B) Σ_i ℓ_i = Σ_s (B_s/B) · L_s,      L_s = (1/B_s) Σ_(i in shard s) ℓ_i
 * </pre>
 * so shard s backpropagates L_s from the seed B_s/B, and the shards' gradients added up are ∇L.
 * The loss terms reported are the same weighted sums. Each image gets the noise it would get in
 * one pass: the noise is laid out image by image, so a shard's is a contiguous piece of it.
 *
 * <p>Floats: a weight gradient's sum over the batch becomes one sum per shard and then their sum,
 * so a model depends on the number of shards, as on any other change of summation order. It
 * never depends on the threads or their scheduling: every shard computes the same bits side by
 * side or one after another, and the gradients are added in shard order. So the shard count is
 * a training setting ({@link TrainOptions#shards}, {@code train --shards}): given, it trains the
 * same model on one core or two.
 *
 * <p>Shards run side by side when the kernels have at least two threads and no more than there are
 * shards (two on a 2-core machine), and the backend lets several threads call it at once
 * ({@link Kernels#concurrentCallers}); otherwise one after another, each product on every thread.
 * One after another they cost more than one pass (one thread, full covariance z=10: 8.38 → 9.69
 * and 10.82 → 12.90 ms a step), so the count not given is {@link #defaultCount}: two only where
 * they run side by side on exactly two threads, the case measured; one pass elsewhere.
 */
public final class BatchShards {

    private final TrainableGmvae[] models;     // the model itself, then its twins
    private final Tape[] full, rest;           // per shard: full batches, and the one smaller final batch
    private final float[][] noise;             // per shard: its piece of the batch's noise
    private final float[][] seed;              // per shard: B_s/B, where its backward pass starts
    private final Map<String, Tensor>[] terms; // per shard: the loss terms of its last batch
    private final Tensor[] totals;
    private final Kernels kernels;
    private final int batch, dim;
    private final boolean sideBySide;
    private boolean gmvae;                     // which loss the last batch computed
    private final boolean[] ran;               // per shard: whether its last batch's backward pass ran
    private final List<WeightGradients> later; // per shard: its linear layers' weight gradients, computed after the backward passes
    private final PackedWeights packed;        // the weights the shards' products pack together, or null (one shard, or one after another)

    /**
     * Shards of {@code batch}-row batches for {@code model} (shards ≥ 1; 1 is the plain step). The
     * twins copy the model's training settings now: make a new one when they change.
     */
    @SuppressWarnings("unchecked")
    public BatchShards(TrainableGmvae model, Kernels kernels, int batch, int shards) {
        if (shards < 1) throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        int s = Math.min(shards, batch);
        this.models = new TrainableGmvae[s];
        this.full = new Tape[s];
        this.rest = new Tape[s];
        this.noise = new float[s][];
        this.seed = new float[s][1];
        this.terms = new Map[s];
        this.totals = new Tensor[s];
        this.ran = new boolean[s];
        this.kernels = kernels;
        this.batch = batch;
        this.dim = model.inputDim();
        models[0] = model;
        for (int i = 0; i < s; i++) {
            if (i > 0) models[i] = model.twin();
            full[i] = new Tape(kernels);
            rest[i] = new Tape(kernels);
            noise[i] = new float[0];
        }
        this.sideBySide = s > 1 && kernels.concurrentCallers() && kernels.threads() > 1 && kernels.threads() <= s;
        this.later = new ArrayList<>();
        this.packed = sideBySide ? new PackedWeights(model.params(), kernels) : null;
        for (int i = 0; i < s; i++) {
            WeightGradients w = new WeightGradients(models[i].params());
            later.add(w);
            full[i].deferWeightGradients(w);
            rest[i].deferWeightGradients(w);
            full[i].usePackedWeights(packed);
            rest[i].usePackedWeights(packed);
        }
    }

    /**
     * The shard count a training run uses when none is given: 2 on a backend with exactly two
     * threads that takes concurrent callers (the shards then run side by side), else 1. On more
     * threads a batch of 128 cut in two would leave cores idle, and one pass spreads each product
     * over all of them; with more shards than two, each would be too few rows (not measured).
     */
    public static int defaultCount(Kernels kernels) {
        return kernels.threads() == 2 && kernels.concurrentCallers() ? 2 : 1;
    }

    /** The shard count a run asks for ({@link TrainOptions#shards}): {@code requested}, or with 0 the {@link #defaultCount}. */
    public static int resolve(int requested, Kernels kernels) {
        return requested > 0 ? requested : defaultCount(kernels);
    }

    /** Number of shards (the batch's rows split as evenly as they go). */
    public int count() { return models.length; }

    /** Whether the shards run side by side (see the class comment). */
    public boolean sideBySide() { return sideBySide; }

    /** The batch means of the loss terms, by name in the model's order, and of the total minimised. */
    public record Means(Map<String, Double> terms, double total) {}

    /**
     * The GMVAE loss of {@code count} images (rows of x, {@code dim} pixels each) with noise eps
     * ({@link TrainableGmvae#noiseSize}(count) values): forward and backward, the batch's gradient
     * left in the model's {@link gmvae4j.engine.Params#grad()} (added to what is there, which a
     * training loop keeps at zero). A shard whose loss is not finite skips its backward pass: the
     * caller sees the non-finite mean and stops.
     */
    public Means gmvae(float[] x, int count, float[] eps) {
        gmvae = true;
        return run(x, count, eps, null);
    }

    /** The autoencoder loss of pretraining ({@link TrainableGmvae#pretrainLoss}), likewise; its batch mean. */
    public double pretrain(float[] x, int count) {
        gmvae = false;
        return run(x, count, null, null).total();
    }

    /**
     * A training step: {@link #gmvae} and then {@code adam}'s {@link Adam#stepAndZeroGrad update}, the
     * same floats, with the update of each weight run right after its gradient's products, while that
     * gradient is still in cache. The model's gradients must be zero on entry, as this method and
     * {@code stepAndZeroGrad} leave them (a weight's gradient is computed anew, not added to what the
     * array holds). A batch whose loss is not finite is not stepped: the caller sees the non-finite
     * mean, and the batch's gradient is left in the array. A gradient that is not finite refuses the
     * step with nothing changed ({@link gmvae4j.engine.NonFiniteException} naming the parameter), as
     * {@code stepAndZeroGrad} does.
     */
    public Means gmvaeStep(float[] x, int count, float[] eps, Adam adam) {
        gmvae = true;
        return run(x, count, eps, Objects.requireNonNull(adam, "adam"));
    }

    /** {@link #pretrain} and the optimizer's step, as {@link #gmvaeStep}; its batch mean. */
    public double pretrainStep(float[] x, int count, Adam adam) {
        gmvae = false;
        return run(x, count, null, Objects.requireNonNull(adam, "adam")).total();
    }

    /**
     * The shards' forward and backward passes, then the parameters' gradients; with {@code adam},
     * the step too. How a step joins the gradient and the update: once every shard's backward pass
     * is done, the twins' gradients of the parameters that are not deferred weights are added into
     * the model's (and checked finite), and every deferred weight's products are bounded from their
     * operands ({@link WeightGradients.Weight#bound}). Only if all of that is finite and bounded (so
     * no product can give an infinity) does the update start, one task per weight: its products
     * into the thread's scratch buffer (not the gradient array), then its Adam update from there,
     * still in cache; the other parameters' updates are tasks of the same round. The optimizer's
     * separate pass read the whole gradient twice (its norm, then the update) after the products had
     * pushed it out of cache: 0.87-0.89 ms of a 4.8-4.9 ms mixture step in one measurement, 0.65 ms
     * when run a second time on warm arrays. Otherwise (a bound that fails, a clipped optimizer whose
     * update needs the whole gradient's norm first, a product whose x is a parameter, which an
     * update beside it could change), the products run first and then
     * {@link Adam#stepAndZeroGrad}, which refuses a non-finite gradient naming the parameter.
     */
    private Means run(float[] x, int count, float[] eps, Adam adam) {
        if (count < 1 || count > batch) throw new IllegalArgumentException("a batch of " + count + " images, not 1.." + batch);
        int used = Math.min(models.length, count);
        Tape[] tapes = count == batch ? full : rest;
        for (WeightGradients w : later) w.clear();
        if (packed != null) packed.nextStep();     // the weights changed in the last step
        if (sideBySide && used > 1) kernels.parallelFor(used, s -> ran[s] = shard(s, used, count, tapes[s], x, eps));
        else for (int s = 0; s < used; s++) ran[s] = shard(s, used, count, tapes[s], x, eps);
        boolean allRan = true;
        for (int s = 0; s < used; s++) allRan &= ran[s];
        float[] g = models[0].params().grad();
        List<WeightGradients.Weight> weights = WeightGradients.weights(later.subList(0, used));
        List<int[]> others = used > 1 || adam != null ? othersPieces(g.length, weights) : List.of();
        boolean readsParameters = false;   // a product's x that an update beside it could change
        for (WeightGradients.Weight w : weights) readsParameters |= w.readsParameters(models[0].params().data());
        boolean fuse = adam != null && allRan && !weights.isEmpty() && !adam.clips() && !readsParameters;
        // the other parameters' gradients summed (and, to fuse, checked), the weights' products bounded
        // (their bounds were taken as the shards recorded them). The others are a few thousand floats in
        // the mixture model: on this thread, where a region cost more than their sums
        double[] check = new double[others.size() + weights.size()];
        if (fuse) for (int i = 0; i < weights.size(); i++) check[others.size() + i] = weights.get(i).bound();
        if (used > 1 || fuse) {
            if (length(others) < INLINE_OTHERS) for (int i = 0; i < others.size(); i++) check[i] = addTwinGradients(used, others.get(i), fuse);
            else kernels.parallelFor(others.size(), i -> check[i] = addTwinGradients(used, others.get(i), fuse));
        }
        if (fuse && provedFinite(check)) {
            Adam.Pieces step = adam.pieces();
            kernels.parallelFor(weights.size() + others.size(), i -> {
                if (i < weights.size()) {
                    WeightGradients.Weight w = weights.get(i);
                    float[] grad = scratch(w.size());
                    w.run(kernels, grad, 0, true);
                    step.update(w.offset(), w.size(), grad, 0);
                } else {
                    int[] r = others.get(i - weights.size());
                    step.update(r[0], r[1] - r[0]);
                }
            });
        } else {
            kernels.parallelFor(weights.size(), i -> weights.get(i).run(kernels, g, adam != null));
            if (adam != null && allRan) adam.stepAndZeroGrad();
        }
        // the weighted means, shard by shard in order
        Map<String, Double> means = new LinkedHashMap<>();
        double total = 0;
        for (int s = 0; s < used; s++) {
            double w = (double) rows(s + 1, used, count) - rows(s, used, count);
            total += w * totals[s].item();
            if (gmvae) for (Map.Entry<String, Tensor> e : terms[s].entrySet()) means.merge(e.getKey(), w * e.getValue().item(), Double::sum);
        }
        means.replaceAll((k, v) -> v / count);
        return new Means(means, total / count);
    }

    /**
     * Each thread's buffer for the gradient of the weight it is updating: reused weight after weight
     * and step after step, so it stays in cache, where the weights' ranges of the gradient array
     * (5.4 MB for the mixture model) were written, read and zeroed once a step each, and went out to
     * memory in between. It keeps the size of the largest weight a thread has updated (1.6 MB for
     * the mixture model's 784×512) for as long as the thread lives.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] scratch(int size) {
        float[][] s = SCRATCH.get();
        if (s[0].length < size) s[0] = new float[size];
        return s[0];
    }

    /**
     * True when every value of the check is finite and at most 1e30: the other parameters' sums of
     * squares, and the weights' bounds (a product bounded so is finite whatever its float rounding:
     * Float.MAX_VALUE is 3.4e38).
     */
    private static boolean provedFinite(double[] check) {
        for (double c : check) if (!(c <= 1e30)) return false;   // also false for NaN
        return true;
    }

    /** The first row of shard s of a batch of count rows in `used` shards. */
    private static int rows(int s, int used, int count) {
        return (int) ((long) count * s / used);
    }

    /** Shard s: its rows' loss on its own tape and model, backpropagated from the seed B_s/B; false when its loss was not finite (no backward pass). */
    private boolean shard(int s, int used, int count, Tape t, float[] x, float[] eps) {
        int r0 = rows(s, used, count), r1 = rows(s + 1, used, count), n = r1 - r0;
        TrainableGmvae m = models[s];
        t.reset();
        Tensor xs = t.input(x, r0 * dim, n, dim);
        Tensor total;
        boolean finite = true;
        if (gmvae) {
            int from = m.noiseSize(r0), len = m.noiseSize(n);
            if (noise[s].length < len) noise[s] = new float[len];
            System.arraycopy(eps, from, noise[s], 0, len);
            TrainableGmvae.Loss loss = m.loss(t, xs, noise[s]);
            terms[s] = loss.terms();
            total = loss.total();
            for (Tensor v : terms[s].values()) finite &= Float.isFinite(v.item());
        } else {
            total = m.pretrainLoss(t, xs);
        }
        totals[s] = total;
        if (!finite || !Float.isFinite(total.item())) return false;
        seed[s][0] = (float) n / count;
        t.backward(total, seed[s]);
        return true;
    }

    /**
     * The parameters that are not deferred weights (biases, convolution kernels, the mixture's
     * parameters: the gaps between the weights' ranges, thousands of floats, not millions) as
     * pieces [lo, hi) of the flat gradient, a gap longer than 16 K floats cut into pieces.
     */
    private static List<int[]> othersPieces(int n, List<WeightGradients.Weight> weights) {
        List<int[]> skip = new ArrayList<>();
        for (WeightGradients.Weight w : weights) skip.add(new int[] {w.offset(), w.size()});
        skip.sort(Comparator.comparingInt(r -> r[0]));
        List<int[]> pieces = new ArrayList<>();
        int from = 0;
        for (int[] r : skip) {
            cut(from, r[0], pieces);
            from = Math.max(from, r[0] + r[1]);
        }
        cut(from, n, pieces);
        return pieces;
    }

    /**
     * The model's gradient += each twin's over one piece, in shard order (every value added in the
     * same order whatever thread takes the piece), the twins' back to zero there; with
     * {@code sumSquares}, returns Σ g² over the piece afterwards (else 0).
     */
    private double addTwinGradients(int used, int[] piece, boolean sumSquares) {
        float[] g = models[0].params().grad();
        int lo = piece[0], hi = piece[1];
        for (int s = 1; s < used; s++) {
            float[] gs = models[s].params().grad();
            kernels.axpy(hi - lo, 1f, gs, lo, g, lo);
            Arrays.fill(gs, lo, hi, 0f);
        }
        return sumSquares ? kernels.sumSquares(hi - lo, g, lo) : 0;
    }

    /** Below this many floats the other parameters' gradients are summed and checked on the calling thread. */
    static final int INLINE_OTHERS = 65_536;

    private static long length(List<int[]> pieces) {
        long n = 0;
        for (int[] p : pieces) n += p[1] - p[0];
        return n;
    }

    /** [lo, hi) as pieces [a, b) of 16 K floats or more (one if shorter), added to pieces. */
    private static void cut(int lo, int hi, List<int[]> pieces) {
        int len = hi - lo, count = Math.max(1, len / 16_384);
        if (len <= 0) return;
        for (int p = 0; p < count; p++) pieces.add(new int[] {lo + (int) ((long) len * p / count), lo + (int) ((long) len * (p + 1) / count)});
    }
}
