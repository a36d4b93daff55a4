package gmvae4j.engine;

import gmvae4j.engine.ops.Binary;
import gmvae4j.engine.ops.Convolution;
import gmvae4j.engine.ops.Gaussian;
import gmvae4j.engine.ops.GaussianFull;
import gmvae4j.engine.ops.Losses;
import gmvae4j.engine.ops.MatMul;
import gmvae4j.engine.ops.Reduce;
import gmvae4j.engine.ops.Shape;
import gmvae4j.engine.ops.Softmax;
import gmvae4j.engine.ops.Unary;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The record of one forward pass, and the memory its results live in.
 *
 * <p><b>Autodiff.</b> Every op computes its result and, if that result needs a gradient, appends a
 * small {@link Backward} closure to the tape. {@link #backward(Tensor)} runs those closures in reverse
 * order: each one reads its output's gradient and <em>adds</em> into its inputs' gradients (a tensor used
 * twice receives both contributions). That is all of reverse-mode autodiff: forward order is already a
 * topological order, so no graph sort is needed.
 *
 * <p><b>Memory.</b> A training loop calls {@link #reset()} at the start of every step. The tape then
 * hands out, op by op, the same tensors (arrays included) it handed out in the previous step, as
 * long as the shapes repeat; so after the first step a training step allocates only the small
 * closure objects. A smaller shape (an epoch's last batch) gets the same arrays under a new tensor
 * object; only a larger one allocates. A tape result is therefore valid only until the next
 * {@code reset()}: copy out what must outlive the step.
 *
 * <p><b>No-gradient mode.</b> Inside {@code try (var g = tape.noGrad()) { ... }} nothing is recorded
 * and no gradient buffers are touched: use it for evaluation and posteriors.
 *
 * <p>A tape is single-threaded (the kernels inside may use several threads).
 *
 * <p>The methods from {@link #matmul} on are the op catalogue; each delegates to the class in
 * {@code gmvae4j.engine.ops} where its forward and backward sit side by side.
 */
public final class Tape {

    /** The gradient step of one op: reads its output's gradient, accumulates into its inputs'. */
    @FunctionalInterface
    public interface Backward { void run(); }

    /** The kernels backend every op on this tape runs on. */
    public final Kernels k;

    private final ArrayList<Tensor> arena = new ArrayList<>();
    private int cursor;
    private final ArrayList<Backward> nodes = new ArrayList<>();
    private boolean recording = true;
    private WeightGradients deferred;
    private PackedWeights packed;

    public Tape() { this(Backends.get()); }

    public Tape(Kernels k) { this.k = k; }

    /** Forgets the last pass; its tensors will be reused by the next one. */
    public void reset() {
        cursor = 0;
        nodes.clear();
    }

    /**
     * Where this tape's linear layers record their weight gradients to be computed after the
     * backward pass ({@link WeightGradients}: a batch's shards), or null (the default): they are
     * computed during it.
     */
    public WeightGradients deferredWeightGradients() { return deferred; }

    /** Sets {@link #deferredWeightGradients()} (null: none deferred). */
    public void deferWeightGradients(WeightGradients to) { this.deferred = to; }

    /**
     * The weights this tape's linear layers multiply by, packed together with the products of
     * other tapes beside it ({@link PackedWeights}: a batch's shards), or null (the default): each
     * product packs its own.
     */
    public PackedWeights packedWeights() { return packed; }

    /** Sets {@link #packedWeights()} (null: none). */
    public void usePackedWeights(PackedWeights weights) { this.packed = weights; }

    /** True unless inside {@link #noGrad()}. */
    public boolean recording() { return recording; }

    /** Number of recorded backward steps (for tests). */
    public int size() { return nodes.size(); }

    /** Turns recording off until the returned handle is closed (nestable). */
    public NoGrad noGrad() {
        NoGrad g = new NoGrad(recording);
        recording = false;
        return g;
    }

    /** Restores the recording state {@link #noGrad()} found. */
    public final class NoGrad implements AutoCloseable {
        private final boolean previous;
        private NoGrad(boolean previous) { this.previous = previous; }
        @Override public void close() { recording = previous; }
    }

    // ---------------------------------------------------------------- for op implementations

    /** Whether a result computed from {@code a} needs a gradient. */
    public boolean needsGrad(Tensor a) { return recording && a.requiresGrad; }

    /** Whether a result computed from {@code a} and {@code b} (null allowed) needs a gradient. */
    public boolean needsGrad(Tensor a, Tensor b) {
        return recording && (a.requiresGrad || (b != null && b.requiresGrad));
    }

    /** Appends one backward step (ignored in no-grad mode). */
    public void record(Backward b) {
        if (recording) nodes.add(b);
    }

    /** A result tensor of x's shape, from the arena. */
    public Tensor like(Tensor x, boolean requiresGrad) { return take(x.shapeRef(), -1, -1, requiresGrad); }

    /** A rows×cols result tensor from the arena. */
    public Tensor matrix(int rows, int cols, boolean requiresGrad) { return take(null, rows, cols, requiresGrad); }

    /** A result tensor of any shape from the arena. */
    public Tensor shaped(int[] shape, boolean requiresGrad) { return take(shape, -1, -1, requiresGrad); }

    /**
     * A tensor with no gradient, valid until the next reset: for inputs (fill its {@code data}) and for
     * values an op saves for its backward step.
     */
    public Tensor scratch(int rows, int cols) { return take(null, rows, cols, false); }

    /** Copies {@code src[srcOff ..)} into a fresh (no-gradient) tape tensor of the given shape. */
    public Tensor input(float[] src, int srcOff, int... shape) {
        Tensor t = take(shape, -1, -1, false);
        return t.copyFrom(src, srcOff);
    }

    private Tensor take(int[] shape, int rows, int cols, boolean requiresGrad) {
        Tensor t = cursor < arena.size() ? arena.get(cursor) : null;
        boolean fits = t != null && (shape != null ? t.hasShape(shape)
                : t.rank() == 2 && t.dim(0) == rows && t.dim(1) == cols);
        if (!fits) {
            int[] s = shape != null ? shape.clone() : new int[]{rows, cols};
            int n = Tensor.count(s);
            if (t != null && t.data.length >= n) {
                // a new shape that fits in the arrays already here keeps them: an epoch's last, smaller
                // batch, then the next epoch's full ones, would otherwise reallocate every tensor twice
                float[] g = t.grad;
                t = new Tensor(t.data, 0, s);
                if (g != null && g.length >= n) t.grad = g;
            } else {
                t = new Tensor(new float[n], 0, s);
            }
            if (cursor < arena.size()) arena.set(cursor, t); else arena.add(t);
        }
        cursor++;
        t.requiresGrad = requiresGrad;
        if (requiresGrad && t.grad == null) {
            t.grad = new float[t.size()];
            t.gradOff = 0;
        }
        return t;
    }

    // ---------------------------------------------------------------- backward

    /** Backpropagates from a one-element loss (seed gradient 1). */
    public void backward(Tensor loss) {
        if (loss.size() != 1)
            throw new IllegalArgumentException("backward(loss) needs a one-element loss, got " + Arrays.toString(loss.shape())
                    + "; sum or average it first, or use backward(y, seed)");
        backward(loss, null);
    }

    /**
     * Backpropagates from {@code y} with gradient {@code seed} (same size as y; null means all ones).
     * Gradients of tape results are zeroed first; gradients of parameters and leaves accumulate, so
     * zero them ({@link Params#zeroGrad()}) before each step.
     */
    public void backward(Tensor y, float[] seed) {
        if (!y.requiresGrad)
            throw new IllegalStateException("nothing to backpropagate: the result does not depend on any tensor that "
                    + "requires a gradient (or it was computed in no-grad mode)");
        for (int i = 0; i < cursor; i++) {
            Tensor t = arena.get(i);
            if (t.requiresGrad) Arrays.fill(t.grad, t.gradOff, t.gradOff + t.size(), 0f);
        }
        if (seed == null) Arrays.fill(y.grad, y.gradOff, y.gradOff + y.size(), 1f);
        else {
            if (seed.length != y.size()) throw new IllegalArgumentException("seed has " + seed.length + " values for " + y.size());
            for (int i = 0; i < seed.length; i++) y.grad[y.gradOff + i] += seed[i];
        }
        for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).run();
    }

    // ================================================================ the op catalogue

    /** op(a)·op(b), where op transposes when asked. */
    public Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) { return MatMul.matmul(this, a, transA, b, transB); }
    /** a·b */
    public Tensor matmul(Tensor a, Tensor b) { return MatMul.matmul(this, a, false, b, false); }
    /** x·w + bias, w stored [in, out], bias [1, out] (null for none). */
    public Tensor linear(Tensor x, Tensor w, Tensor bias) { return MatMul.linear(this, x, w, bias); }
    /** max(x·w + bias, 0): a linear layer and its ReLU as one op (bias may be null). */
    public Tensor linearRelu(Tensor x, Tensor w, Tensor bias) { return MatMul.linearRelu(this, x, w, bias); }

    /** a + b, broadcasting rows or columns of size 1 (2-D view). */
    public Tensor add(Tensor a, Tensor b) { return Binary.apply(this, Binary.Kind.ADD, a, b); }
    public Tensor sub(Tensor a, Tensor b) { return Binary.apply(this, Binary.Kind.SUB, a, b); }
    public Tensor mul(Tensor a, Tensor b) { return Binary.apply(this, Binary.Kind.MUL, a, b); }
    public Tensor div(Tensor a, Tensor b) { return Binary.apply(this, Binary.Kind.DIV, a, b); }

    /** x + s */
    public Tensor add(Tensor x, float s) { return Unary.addScalar(this, x, s); }
    /** x · s */
    public Tensor mul(Tensor x, float s) { return Unary.mulScalar(this, x, s); }
    /** −x */
    public Tensor neg(Tensor x) { return Unary.mulScalar(this, x, -1f); }
    public Tensor exp(Tensor x) { return Unary.exp(this, x); }
    public Tensor log(Tensor x) { return Unary.log(this, x); }
    public Tensor softplus(Tensor x) { return Unary.softplus(this, x); }
    public Tensor sigmoid(Tensor x) { return Unary.sigmoid(this, x); }
    public Tensor relu(Tensor x) { return Unary.relu(this, x); }
    public Tensor tanh(Tensor x) { return Unary.tanh(this, x); }
    public Tensor square(Tensor x) { return Unary.square(this, x); }

    /** Σ of all elements, shape [1,1]. */
    public Tensor sum(Tensor x) { return Reduce.sum(this, x); }
    /** Mean of all elements, shape [1,1]. */
    public Tensor mean(Tensor x) { return Reduce.mean(this, x); }
    /** Σ over an axis of the 2-D view: axis 0 gives [1, cols], axis 1 gives [rows, 1]. */
    public Tensor sum(Tensor x, int axis) { return Reduce.sum(this, x, axis); }
    /** Mean over an axis of the 2-D view (see {@link #sum(Tensor, int)}). */
    public Tensor mean(Tensor x, int axis) { return Reduce.mean(this, x, axis); }

    /** log Σ_j exp(x[i,j]), shape [rows, 1]. */
    public Tensor logSumExp(Tensor x) { return Softmax.logSumExp(this, x); }
    public Tensor softmax(Tensor x) { return Softmax.softmax(this, x); }
    public Tensor logSoftmax(Tensor x) { return Softmax.logSoftmax(this, x); }

    /** The same values seen with another shape (a view: shares values and gradient). */
    public Tensor reshape(Tensor x, int... shape) { return Shape.reshape(x, shape); }
    /** Columns [from, to) of the 2-D view. */
    public Tensor sliceCols(Tensor x, int from, int to) { return Shape.sliceCols(this, x, from, to); }
    /** Side-by-side concatenation of 2-D views with equal row counts. */
    public Tensor concatCols(List<Tensor> xs) { return Shape.concatCols(this, xs); }
    /** Rows idx[0], idx[1], ... of x (idx must stay unchanged until backward). */
    public Tensor gatherRows(Tensor x, int[] idx) { return Shape.gatherRows(this, x, idx); }

    /** Σ_j BCE(sigmoid(logits[i,j]), targets[i,j]) per row, shape [rows,1]; targets get no gradient. */
    public Tensor bceWithLogits(Tensor logits, Tensor targets) { return Losses.bceWithLogits(this, logits, targets); }
    /** −log softmax(logits[i,:])[labels[i]] per row, shape [rows,1]. */
    public Tensor softmaxCrossEntropy(Tensor logits, int[] labels) { return Losses.softmaxCrossEntropy(this, logits, labels); }

    /** log N(z; μ, diag exp(logVar)) per row, shape [rows,1]; μ and logVar may be single rows. */
    public Tensor gaussianLogDensity(Tensor z, Tensor mu, Tensor logVar) { return Gaussian.logDensity(this, z, mu, logVar); }
    /** KL(N(μ1, e^lv1) ‖ N(μ2, e^lv2)) per row, shape [rows,1]; μ2, lv2 may be single rows. */
    public Tensor gaussianKl(Tensor mu1, Tensor logVar1, Tensor mu2, Tensor logVar2) {
        return Gaussian.kl(this, mu1, logVar1, mu2, logVar2);
    }
    /** log N(z_b; μ_k, diag exp(lv_k)) for every row b of z [B,D] and k of μ, lv [K,D]: shape [B,K]. */
    public Tensor gaussianLogDensityPairs(Tensor z, Tensor mu, Tensor logVar) { return Gaussian.logDensityPairs(this, z, mu, logVar); }
    /**
     * log N(z_b; μ_k, (L_k L_kᵀ)⁻¹) for every row b of z [B,D] and component k: a full covariance given
     * by the lower Cholesky factor of its precision, stored raw [K, D·D] (see {@code GaussianFull}). [B,K]
     */
    public Tensor gaussianFullLogDensityPairs(Tensor z, Tensor mu, Tensor cholesky) { return GaussianFull.logDensityPairs(this, z, mu, cholesky); }
    /** The diagonal of every component's precision L_k L_kᵀ from the raw factors [K, D·D]: [K, D]. */
    public Tensor precisionDiagonal(Tensor cholesky, int d) { return GaussianFull.precisionDiagonal(this, cholesky, d); }
    /**
     * E_{z~N(μ_b, e^lv_b)} log N(z; μK_k, e^lvK_k) for every row b of μ, lv [B,D] and k of μK, lvK [K,D]:
     * shape [B,K]. Closed form, no sampling.
     */
    public Tensor gaussianExpectedLogDensityPairs(Tensor mu, Tensor logVar, Tensor muK, Tensor logVarK) {
        return Gaussian.expectedLogDensityPairs(this, mu, logVar, muK, logVarK);
    }

    /**
     * 2-D convolution of x [N,C,H,W] with w [outC,C,kH,kW] (PyTorch layout) plus bias (outC values, or
     * null): [N, outC, (H+2·pad−kH)/stride+1, ...].
     */
    public Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return Convolution.conv2d(this, x, w, bias, stride, pad);
    }

    /**
     * Transposed 2-D convolution of x [N,C,H,W] with w [C,outC,kH,kW] (PyTorch layout) plus bias:
     * [N, outC, (H−1)·stride − 2·pad + kH, ...].
     */
    public Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return Convolution.convTranspose2d(this, x, w, bias, stride, pad);
    }

    /**
     * The same values with no gradient path (stop-gradient): a view, nothing recorded. Use it for
     * quantities that should act as constants in the loss, e.g. responsibilities in an EM-style step.
     */
    public Tensor detach(Tensor x) { return Tensor.wrap(x.data, x.off, x.shapeRef()); }

    /** A no-gradient tensor of standard normal draws (reparameterisation noise), valid until reset. */
    public Tensor normal(int rows, int cols, java.util.random.RandomGenerator rng) {
        Tensor e = scratch(rows, cols);
        for (int i = 0; i < e.size(); i++) e.data[e.off + i] = (float) rng.nextGaussian();
        return e;
    }
}
