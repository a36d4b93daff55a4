package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

/**
 * y = min(max(x, lo), hi);  dx += dy where lo < x < hi, 0 elsewhere (the exact derivative of
 * the clamped function away from its two kinks). The GMVAE clamps its log-variances with it, so
 * every term downstream (exp for σ², the Gaussian densities, the entropy) sees the same value.
 */
public final class Clamp {
    private Clamp() {}

    public static Tensor apply(Tape t, Tensor x, float lo, float hi) {
        if (!(lo < hi)) throw new IllegalArgumentException("clamp: lo " + lo + " must be below hi " + hi);
        Tensor y = t.like(x, t.needsGrad(x));
        int n = x.size();
        for (int i = 0; i < n; i++) y.data[y.off + i] = Math.min(hi, Math.max(lo, x.data[x.off + i]));
        if (y.requiresGrad()) t.record(() -> {
            for (int i = 0; i < n; i++) {
                float v = x.data[x.off + i];
                if (v > lo && v < hi) x.grad[x.gradOff + i] += y.grad[y.gradOff + i];
            }
        });
        return y;
    }
}
