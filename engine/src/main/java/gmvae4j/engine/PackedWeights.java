package gmvae4j.engine;

import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.PackedB;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The linear layers' weights packed for the products of a batch's shards, which run side by side
 * and multiply by the same weights ({@code BatchShards}): W for the forward pass's y = x·W and Wᵀ
 * for the backward pass's dx = dy·Wᵀ, each a {@link PackedB} that the shards' products pack
 * together, piece by piece, each piece once (see there for why and how).
 *
 * <p>When: the packed pieces copy the weights' values, so {@link #nextStep} must come before every
 * step's passes (the weights changed in the step before), and no pass may run across it. Only the
 * model's own parameters are packed: a tensor computed during a pass (a slice of a weight) is not
 * one.
 *
 * <p>Floats: the products give the bits of products that pack for themselves.
 */
public final class PackedWeights {

    private record Key(int off, boolean transposed) {}

    /** A backend that shares nothing: looked up once, remembered as such. */
    private static final Object NONE = new Object();

    private final Kernels kernels;
    private final float[] values;
    private final ConcurrentHashMap<Key, Object> packed = new ConcurrentHashMap<>();

    /** For a model whose parameters are {@code params} (its twins share the values). */
    public PackedWeights(Params params, Kernels kernels) {
        this.values = params.data();
        this.kernels = kernels;
    }

    /** W [in, out] as the B of x·W, or null (not a parameter, or nothing to share). */
    public PackedB forward(Tensor w) {
        return lookup(w, false);
    }

    /** Wᵀ as the B of dy·Wᵀ (k = out, n = in), or null as {@link #forward}. */
    public PackedB transposed(Tensor w) {
        return lookup(w, true);
    }

    /** A view of another shape at a weight's offset is not that weight: {@link PackedB#isOf} says no. */
    private PackedB lookup(Tensor w, boolean transposed) {
        if (w.data != values) return null;
        int k = transposed ? w.cols() : w.rows(), n = transposed ? w.rows() : w.cols();
        Object p = packed.computeIfAbsent(new Key(w.off, transposed), key -> {
            PackedB b = kernels.packedB(transposed, k, n, values, w.off, w.cols());
            return b == null ? NONE : b;
        });
        return p instanceof PackedB b && b.isOf(transposed, k, n, values, w.off, w.cols()) ? b : null;
    }

    /** The weights may have changed: every packed piece is packed again when next needed. Not during a pass. */
    public void nextStep() {
        for (Object p : packed.values()) if (p instanceof PackedB b) b.nextGeneration();
    }
}
