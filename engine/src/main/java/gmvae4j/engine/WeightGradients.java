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
 * {@link #run} adds each weight's products, shard after shard, straight into the model's gradient.
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

    /** One recorded product: dW += x[rows × in]ᵀ · dy[rows × out], dy being y's gradient. */
    private record Product(Tensor x, Tensor y, Tensor w, int rows, int in, int out) {}

    private final ArrayList<Product> products = new ArrayList<>();

    /**
     * Records dW += xᵀ·dy for the linear layer y = x·W (+ b), x [rows, in], y [rows, out]: read when
     * {@link #run} runs, so y's gradient dy must be final by then (the backward pass is over).
     */
    public void record(Tensor x, Tensor y, Tensor w, int rows, int in, int out) {
        products.add(new Product(x, y, w, rows, in, out));
    }

    /** Forgets the recorded products (a new batch). */
    public void clear() { products.clear(); }

    /**
     * Adds every recorded product of the shards into {@code grad}, the model's gradient array (the
     * twins' layout is the model's: a weight's gradient starts at the same offset in each), the
     * products of one weight in shard order, weights spread over the kernels' threads (largest
     * first). Returns the gradient ranges written, [offset, offset + size) per weight, in no
     * particular order.
     */
    public static List<int[]> run(Kernels k, List<WeightGradients> shards, float[] grad) {
        Map<Integer, List<Product>> byWeight = new LinkedHashMap<>();
        for (WeightGradients s : shards)
            for (Product p : s.products) byWeight.computeIfAbsent(p.w.gradOff, off -> new ArrayList<>()).add(p);
        List<List<Product>> weights = new ArrayList<>(byWeight.values());
        weights.sort(Comparator.comparingLong((List<Product> l) -> (long) l.get(0).in * l.get(0).out * l.size()).reversed());
        k.parallelFor(weights.size(), i -> {
            for (Product p : weights.get(i))
                k.sgemm(true, false, p.in, p.out, p.rows, 1f, p.x.data, p.x.off, p.in, p.y.grad, p.y.gradOff, p.out,
                        1f, grad, p.w.gradOff, p.out);
        });
        List<int[]> written = new ArrayList<>();
        for (List<Product> l : weights) written.add(new int[] {l.get(0).w.gradOff, l.get(0).in * l.get(0).out});
        return written;
    }
}
