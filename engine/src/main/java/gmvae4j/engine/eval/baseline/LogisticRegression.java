package gmvae4j.engine.eval.baseline;

import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.nn.Linear;
import java.util.SplittableRandom;

/**
 * Multinomial logistic regression on standardised pixels, set up like scikit-learn's default
 * LogisticRegression: L2 penalty with C = 1, i.e. minimise
 * <pre>  (1/n) Σ_i CE(softmax(W x_i + b), y_i) + ‖W‖² / (2·C·n)</pre>
 * (the sum form divided by n; the bias is not penalised), solved by full-batch {@link Lbfgs}
 * (memory 10, at most 100 iterations). The model and its gradient come from the engine's
 * autodiff (one {@link Linear} layer and softmax cross-entropy).
 */
public final class LogisticRegression implements PixelClassifier {
    static final double C = 1.0;
    static final int MAX_ITER = 100;

    private Params params;
    private Linear layer;

    @Override public String name() { return "logreg"; }

    @Override public void fit(float[] x, int n, int dim, int[] y, int numClasses, long seed) {
        params = new Params();
        layer = new Linear(params, "logreg", dim, numClasses, Linear.InitKind.XAVIER, new SplittableRandom(seed));
        java.util.Arrays.fill(params.data(), 0f); // convex problem: start at zero like scikit-learn
        double l2 = 1 / (C * n);
        Tape tape = new Tape();
        gmvae4j.engine.NamedParam weight = params.list().get(0); // logreg.weight; the bias is not penalised
        int wOff = weight.offset(), wSize = weight.size();
        float[] w0 = params.data().clone();
        Lbfgs.minimize((w, grad) -> {
            System.arraycopy(w, 0, params.data(), 0, w.length);
            params.zeroGrad();
            tape.reset();
            Tensor xb = tape.input(x, 0, n, dim);
            Tensor loss = tape.mean(tape.softmaxCrossEntropy(layer.forward(tape, xb), y));
            tape.backward(loss);
            double f = loss.item();
            float[] g = params.grad(), p = params.data();
            for (int i = wOff; i < wOff + wSize; i++) {
                f += 0.5 * l2 * p[i] * p[i];
                g[i] += (float) (l2 * p[i]);
            }
            System.arraycopy(g, 0, grad, 0, grad.length);
            return f;
        }, w0, MAX_ITER, 10, 1e-5);
        // w0 holds the last accepted point; params holds whatever was evaluated last
        System.arraycopy(w0, 0, params.data(), 0, w0.length);
    }

    @Override public int[] predict(float[] x, int n) {
        Tape tape = new Tape();
        try (var g = tape.noGrad()) {
            Tensor logits = layer.forward(tape, tape.input(x, 0, n, layer.in));
            return MlpClassifier.argmaxRows(logits);
        }
    }
}
