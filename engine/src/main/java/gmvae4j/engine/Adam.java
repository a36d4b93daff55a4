package gmvae4j.engine;

import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;

/**
 * Adam with bias correction, optional decoupled (AdamW) weight decay and optional global
 * gradient-norm clipping, over the whole flat {@link Params} buffer in one kernel call.
 *
 * <p>The optimizer is separate from the model: it only holds the hyper-parameters and its state
 * (first moment m, second moment v, step count t), which {@link #m()}, {@link #v()},
 * {@link #steps()} expose and {@link #restore} puts back, so a saved run resumes exactly.
 *
 * <pre>{@code
 * Adam adam = new Adam(params, 2e-3f).clipNorm(5f);
 * params.zeroGrad(); ...forward, tape.backward(loss)...; adam.step();
 * // or, zeroing the gradients once before the loop: ...forward, backward...; adam.stepAndZeroGrad();
 * }</pre>
 */
public final class Adam {

    private final Params params;
    private final Kernels k;
    private final float[] m, v;
    private long t;

    private float lr, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weightDecay = 0f, clipNorm = 0f;

    public Adam(Params params, float lr) { this(params, lr, Backends.get()); }

    public Adam(Params params, float lr, Kernels k) {
        this.params = params;
        this.k = k;
        this.lr = lr;
        this.m = new float[params.size()];
        this.v = new float[params.size()];
    }

    public Adam betas(float beta1, float beta2) { this.beta1 = beta1; this.beta2 = beta2; return this; }
    public Adam eps(float eps) { this.eps = eps; return this; }
    /** Decoupled weight decay (AdamW): p −= lr·wd·p each step, applied to every parameter. */
    public Adam weightDecay(float wd) { this.weightDecay = wd; return this; }
    /** Rescales the gradient so its global L2 norm is at most {@code maxNorm} (0 = off). */
    public Adam clipNorm(float maxNorm) { this.clipNorm = maxNorm; return this; }
    public Adam lr(float lr) { this.lr = lr; return this; }
    public float lr() { return lr; }

    /**
     * One update from the gradients in {@link Params#grad()}. Returns the global gradient norm before
     * clipping (worth logging; NaN there means a NaN gradient, and the step is refused).
     */
    public double step() { return step(false); }

    /**
     * {@link #step()}, and the gradients it used are left at zero, ready for the next backward pass:
     * a training loop that calls this needs no {@link Params#zeroGrad()} between steps (only
     * before its first). The reset rides on the update's pass over memory, where a separate fill
     * costs one more pass over every gradient. On a refused step (NaN gradient) nothing is changed.
     */
    public double stepAndZeroGrad() { return step(true); }

    private double step(boolean zeroGrad) {
        int n = checkedSize();
        float[] g = params.grad();
        double norm = Math.sqrt(k.sumSquares(n, g, 0));
        if (!Double.isFinite(norm)) {
            params.checkGradFinite();   // names the parameter
            throw new NonFiniteException("gradient norm is " + norm);
        }
        if (clipNorm > 0 && norm > clipNorm) k.scale(n, (float) (clipNorm / norm), g, 0, g, 0);
        Pieces step = begin();
        if (zeroGrad) step.update(0, n);
        else step.update(0, n, g, 0);
        return norm;
    }

    /** The model's parameter count, which must still be the one this optimizer was built for. */
    private int checkedSize() {
        int n = params.size();
        if (n != m.length)
            throw new IllegalStateException("the model has " + n + " parameters but this optimizer was built for " + m.length);
        return n;
    }

    /** Counts a step and gives its update, with that step's bias corrections. */
    private Pieces begin() {
        t++;
        return new Pieces((float) (1 - Math.pow(beta1, t)), (float) (1 - Math.pow(beta2, t)));
    }

    /** True when {@link #clipNorm} is on: a step then needs the whole gradient's norm before it changes anything. */
    public boolean clips() { return clipNorm > 0; }

    /**
     * One step taken range by range, each range's gradient left at zero, for a caller that
     * completes the gradient a piece at a time and updates each piece while it is still in cache
     * ({@code BatchShards}: a weight's gradient is final once its products have run). Every value
     * is updated as {@link #stepAndZeroGrad} would update it (the same floats); the ranges must
     * cover each parameter exactly once, and the caller must know the whole gradient is finite
     * before the first {@link Pieces#update}, since nothing here can refuse the step afterwards.
     * Not with clipping ({@link #clips}).
     */
    public Pieces pieces() {
        if (clips()) throw new IllegalStateException("a clipped step needs the whole gradient's norm first");
        checkedSize();
        return begin();
    }

    /** One step's update of ranges of the parameters (see {@link #pieces}). */
    public final class Pieces {
        private final float bc1, bc2;

        private Pieces(float bc1, float bc2) { this.bc1 = bc1; this.bc2 = bc2; }

        /** Updates parameters [off, off + len) from their gradients, and zeroes those gradients. */
        public void update(int off, int len) {
            k.adamThenZeroGrad(len, params.data(), off, params.grad(), off, m, off, v, off, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        }

        /**
         * Updates parameters [off, off + len) from the gradient values {@code g[go ..)}, held
         * elsewhere than the gradient array (which is neither read nor written here).
         */
        public void update(int off, int len, float[] g, int go) {
            k.adam(len, params.data(), off, g, go, m, off, v, off, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        }
    }

    /** First moments (live array, same layout as {@link Params#data()}). */
    public float[] m() { return m; }
    /** Second moments (live array). */
    public float[] v() { return v; }
    /** Steps taken so far (the t of the bias correction). */
    public long steps() { return t; }

    /** Puts back saved state (copies the arrays). */
    public void restore(float[] m, float[] v, long steps) {
        if (m.length != this.m.length || v.length != this.v.length)
            throw new IllegalArgumentException("optimizer state for " + m.length + " parameters, this model has " + this.m.length);
        if (steps < 0) throw new IllegalArgumentException("negative step count " + steps);
        System.arraycopy(m, 0, this.m, 0, m.length);
        System.arraycopy(v, 0, this.v, 0, v.length);
        this.t = steps;
    }
}
