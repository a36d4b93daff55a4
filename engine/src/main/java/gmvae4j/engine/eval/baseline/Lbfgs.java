package gmvae4j.engine.eval.baseline;

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search: the solver scikit-learn's
 * LogisticRegression uses by default, here for the small smooth convex problem of softmax
 * regression. Keeps the last m (s, y) pairs and applies the two-loop recursion.
 */
public final class Lbfgs {

    /** f(x), writing ∇f(x) into grad. */
    public interface Objective { double eval(float[] x, float[] grad); }

    private Lbfgs() {}

    /** Minimises f from x (updated in place); stops after maxIter iterations or when ‖∇f‖∞ < tol. Returns f. */
    public static double minimize(Objective f, float[] x, int maxIter, int memory, double tol) {
        int n = x.length;
        float[] g = new float[n], gNew = new float[n], d = new float[n], xNew = new float[n];
        float[][] s = new float[memory][], y = new float[memory][];
        double[] rho = new double[memory], alpha = new double[memory];
        int stored = 0, head = 0;
        double fx = f.eval(x, g);
        for (int it = 0; it < maxIter; it++) {
            if (maxAbs(g) < tol) break;
            // two-loop recursion: d = −H·g
            for (int i = 0; i < n; i++) d[i] = -g[i];
            for (int j = 0; j < stored; j++) {
                int idx = Math.floorMod(head - 1 - j, memory);
                alpha[idx] = rho[idx] * dot(s[idx], d);
                axpy(-alpha[idx], y[idx], d);
            }
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                double gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
                for (int i = 0; i < n; i++) d[i] *= gamma;
            }
            for (int j = stored - 1; j >= 0; j--) {
                int idx = Math.floorMod(head - 1 - j, memory);
                double beta = rho[idx] * dot(y[idx], d);
                axpy(alpha[idx] - beta, s[idx], d);
            }
            double slope = dot(g, d);
            if (slope >= 0) { // not a descent direction: restart from steepest descent
                for (int i = 0; i < n; i++) d[i] = -g[i];
                slope = dot(g, d);
                stored = 0;
            }
            double step = stored == 0 && it == 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 40; ls++) {
                for (int i = 0; i < n; i++) xNew[i] = (float) (x[i] + step * d[i]);
                fNew = f.eval(xNew, gNew);
                if (fNew <= fx + 1e-4 * step * slope) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted) break;
            float[] sv = new float[n], yv = new float[n];
            for (int i = 0; i < n; i++) { sv[i] = xNew[i] - x[i]; yv[i] = gNew[i] - g[i]; }
            double sy = dot(sv, yv);
            if (sy > 1e-12) {
                s[head] = sv; y[head] = yv; rho[head] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            boolean flat = Math.abs(fx - fNew) <= 1e-9 * Math.max(1, Math.abs(fx));
            fx = fNew;
            if (flat) break;
        }
        return fx;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private static void axpy(double a, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) y[i] += (float) (a * x[i]);
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
