package gmvae4j.engine.ops;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;

/**
 * Elementwise functions y = f(x), each with its derivative right below it. Where f' is cheaper from
 * the output than from the input (exp, sigmoid, tanh) the backward step reads y.
 */
public final class Unary {
    private Unary() {}

    /** y = x + s;  dx += dy */
    public static Tensor addScalar(Tape t, Tensor x, float s) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        for (int i = 0; i < n; i++) y.data[y.off + i] = x.data[x.off + i] + s;
        if (y.requiresGrad()) t.record(() -> K.axpy(n, 1f, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }

    /** y = s·x;  dx += s·dy */
    public static Tensor mulScalar(Tape t, Tensor x, float s) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.scale(n, s, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> K.axpy(n, s, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }

    /** y = eˣ;  dx += dy·y */
    public static Tensor exp(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.exp(n, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> K.mulAcc(n, y.grad, y.gradOff, y.data, y.off, x.grad, x.gradOff));
        return y;
    }

    /** y = ln x;  dx += dy / x */
    public static Tensor log(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.log(n, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> {
            for (int i = 0; i < n; i++) x.grad[x.gradOff + i] += y.grad[y.gradOff + i] / x.data[x.off + i];
        });
        return y;
    }

    /** y = ln(1 + eˣ);  dx += dy·σ(x) */
    public static Tensor softplus(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.softplus(n, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> K.softplusBackward(n, x.data, x.off, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }

    /** y = σ(x);  dx += dy·y·(1 − y) */
    public static Tensor sigmoid(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.sigmoid(n, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> K.sigmoidBackward(n, y.data, y.off, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }

    /** y = max(x, 0);  dx += dy·[x > 0] (the kink at 0 gets derivative 0) */
    public static Tensor relu(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.relu(n, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> K.reluBackward(n, x.data, x.off, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }

    /** y = tanh x;  dx += dy·(1 − y²) */
    public static Tensor tanh(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.tanh(n, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> K.tanhBackward(n, y.data, y.off, y.grad, y.gradOff, x.grad, x.gradOff));
        return y;
    }

    /** y = x²;  dx += 2·x·dy */
    public static Tensor square(Tape t, Tensor x) {
        Tensor y = t.like(x, t.needsGrad(x));
        Kernels K = t.k;
        int n = x.size();
        K.mul(n, x.data, x.off, x.data, x.off, y.data, y.off);
        if (y.requiresGrad()) t.record(() -> {
            for (int i = 0; i < n; i++) x.grad[x.gradOff + i] += 2f * x.data[x.off + i] * y.grad[y.gradOff + i];
        });
        return y;
    }
}
