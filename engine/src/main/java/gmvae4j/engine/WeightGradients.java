package gmvae4j.engine;

import gmvae4j.kernels.Kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight gradients of linear layers, dW += xᵀ·dy, recorded during a backward pass and computed
 * after it, for a batch cut into shards ({@code BatchShards}): each shard's tape records its
 * layers' products here instead of running them, and once every shard's backward pass is done,
 * {@link #weights} groups them by weight and {@link Weight#run} adds each weight's products, shard
 * after shard, straight into the model's gradient (one task per weight, BatchShards spreading the
 * weights over the threads; a training step then updates each weight right after its products).
 *
 * <p>Why: a shard runs on a twin of the model with a gradient array of its own, so that two
 * shards never write the same memory; the twins' gradients were then added to the model's and
 * zeroed, a pass over every parameter that read and wrote 16 bytes each (0.33 ms of a 5.5 ms
 * mixture step), and the twin's array added 5.4 MB to what a step keeps in cache (the optimizer's
 * pass after it took 0.96 ms, 0.61-0.63 without it). The weight gradients are nearly all of the parameters; deferred,
 * they never touch a twin, and only the few others (biases, the mixture's parameters) are added
 * from the twins.
 *
 * <p>Floats: for each weight the products run in shard order onto the model's gradient, so it
 * holds g + Σ₀ + Σ₁ + ..., each Σ_s a shard's product summed in its own k order: the sum the twins'
 * gradients added in shard order gave, bit for bit, when a shard's rows are one k block of the
 * product (the mixture's 64-row shards); otherwise the same terms grouped differently. Weights are
 * spread over the threads, each weight's products on one thread, so the result does not depend on
 * the threads.
 */
public final class WeightGradients {

    /**
     * One recorded product: dW += x[rows × in]ᵀ · dy[rows × out], dy being y's gradient, and
     * ‖x‖·‖dy‖ (Frobenius norms), its part of {@link Weight#bound}.
     */
    private record Product(Tensor x, Tensor y, Tensor w, int rows, int in, int out, double bound) {}

    private final ArrayList<Product> products = new ArrayList<>();
    private final Params params;

    /** For a shard whose model's parameters are {@code params} (the model itself, or a twin). */
    public WeightGradients(Params params) { this.params = params; }

    /**
     * True when W is one of the shard model's parameters, whose gradient can wait: not a tape
     * result computed from one (a slice of a weight, as the marginal model's pretraining takes:
     * the slice's gradient must be final when the slice's own backward step adds it into the
     * weight's, long before the recorded products run).
     */
    public boolean takes(Tensor w) {
        return w.grad == params.grad() && w.data == params.data();
    }

    /**
     * Records dW += xᵀ·dy for the linear layer y = x·W (+ b), x [rows, in], y [rows, out], W a
     * parameter ({@link #takes}): read when the product runs ({@link Weight#run}), so y's gradient
     * dy must be final by then (the backward pass is over); and it is final now, when its norm and
     * x's are taken for {@link Weight#bound}. Why now: in the shard's own task, with dy just written
     * and x recently read, where a region of their own after every shard's backward pass took
     * 44 µs of a 4.1 ms mixture step (two threads, z=10, medians of 600 steps), almost all of it
     * re-reading these 2.9 MB.
     */
    public void record(Kernels k, Tensor x, Tensor y, Tensor w, int rows, int in, int out) {
        if (!takes(w)) throw new IllegalArgumentException("not a parameter of this shard's model: its gradient cannot wait");
        double bound = Math.sqrt(k.sumSquares(rows * in, x.data, x.off)) * Math.sqrt(k.sumSquares(rows * out, y.grad, y.gradOff));
        products.add(new Product(x, y, w, rows, in, out, bound));
    }

    /** Forgets the recorded products (a new batch). */
    public void clear() { products.clear(); }

    /** One weight's recorded products, every shard's, in shard order. */
    public static final class Weight {
        private final int off, size;
        private final List<Product> products;

        private Weight(List<Product> products) {
            this.products = products;
            this.off = products.get(0).w.gradOff;
            this.size = products.get(0).in * products.get(0).out;
        }

        /** Where this weight's gradient starts in the flat gradient array. */
        public int offset() { return off; }

        /** Its number of values (in × out). */
        public int size() { return size; }

        /**
         * True when a product reads parameter values as its x (a layer applied to a parameter): an
         * optimizer update running beside it could then change what it reads.
         */
        public boolean readsParameters(float[] values) {
            for (Product p : products) if (p.x.data == values) return true;
            return false;
        }

        /**
         * grad[W] += Σ_s x_sᵀ·dy_s, the shards' products in shard order; with {@code overwrite}
         * the first product writes instead of adding (what grad held there is dropped: the same
         * floats as adding to zeros, and one read of the gradient fewer).
         */
        public void run(Kernels k, float[] grad, boolean overwrite) { run(k, grad, off, overwrite); }

        /** {@link #run(Kernels, float[], boolean)} into {@code to[at ..)} instead of the weight's place in the gradient array. */
        public void run(Kernels k, float[] to, int at, boolean overwrite) {
            boolean first = true;
            for (Product p : products) {
                k.sgemm(true, false, p.in, p.out, p.rows, 1f, p.x.data, p.x.off, p.in, p.y.grad, p.y.gradOff, p.out,
                        overwrite && first ? 0f : 1f, to, at, p.out);
                first = false;
            }
        }

        /**
         * A bound on every value of Σ_s x_sᵀ·dy_s, from the operands alone: Σ_s ‖x_s‖·‖dy_s‖
         * (Frobenius norms; Cauchy-Schwarz bounds each |Σ_r x_ri·dy_rj| by ‖x_:i‖·‖dy_:j‖, and
         * the sum of the |x_ri·dy_rj| likewise, which bounds every partial sum in float too). Not
         * finite when an operand holds a NaN or an infinity, or when its squares overflow. A
         * finite bound far below Float.MAX_VALUE proves the products give finite values before
         * they run. The norms were taken when each product was recorded ({@link #record}).
         */
        public double bound() {
            double b = 0;
            for (Product p : products) b += p.bound;
            return b;
        }
    }

    /** The shards' recorded products grouped by weight (a weight's in shard order), the largest weight first. */
    public static List<Weight> weights(List<WeightGradients> shards) {
        Map<Integer, List<Product>> byWeight = new LinkedHashMap<>();
        for (WeightGradients s : shards)
            for (Product p : s.products) byWeight.computeIfAbsent(p.w.gradOff, off -> new ArrayList<>()).add(p);
        List<Weight> weights = new ArrayList<>();
        for (List<Product> l : byWeight.values()) weights.add(new Weight(l));
        weights.sort(Comparator.comparingLong((Weight w) -> (long) w.size * w.products.size()).reversed());
        return weights;
    }
}
