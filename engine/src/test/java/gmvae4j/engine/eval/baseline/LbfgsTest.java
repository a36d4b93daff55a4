package gmvae4j.engine.eval.baseline;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * L-BFGS checked step by step: every point the solver evaluates is compared with a hand-derived
 * trace, or with a double-precision reference that builds the inverse-Hessian approximation as an
 * explicit matrix (the BFGS update applied to γI, oldest pair first) instead of the two-loop
 * recursion. The two are the same operator, so the traces must agree point by point.
 */
class LbfgsTest {

    /** A smooth function in doubles: f(x), writing ∇f into g. */
    interface Fn { double eval(double[] x, double[] g); }

    /** The objective Lbfgs sees, recording every point it is evaluated at. */
    static Lbfgs.Objective recording(Fn fn, List<double[]> trace) {
        return (x, grad) -> {
            double[] xd = new double[x.length], gd = new double[x.length];
            for (int i = 0; i < x.length; i++) xd[i] = x[i];
            trace.add(xd);
            double f = fn.eval(xd, gd);
            for (int i = 0; i < x.length; i++) grad[i] = (float) gd[i];
            return f;
        };
    }

    /** f = 2(x − 3)², from 0. */
    static final Fn PARABOLA = (x, g) -> { g[0] = 4 * (x[0] - 3); return 2 * (x[0] - 3) * (x[0] - 3); };

    @Test void oneDimensionalQuadraticByHand() {
        // it 0: g = −12, steepest descent with step min(1, 1/‖g‖) = 1/12 → x = 1 (f = 8, Armijo holds).
        // pair s = 1, y = g(1) − g(0) = 4, ρ = 1/4. it 1: two-loop with one pair on a 1-D quadratic is
        // exactly the inverse curvature 1/4: d = −g/4 = 2 → x = 3, the minimum, accepted at step 1.
        // it 2: g = 0 < tol: stop. Three evaluations in all.
        List<double[]> trace = new ArrayList<>();
        float[] x = {0};
        double f = Lbfgs.minimize(recording(PARABOLA, trace), x, 100, 5, 1e-6);
        assertEquals(List.of(0.0, 1.0, 3.0), trace.stream().map(p -> p[0]).toList());
        assertEquals(3f, x[0]);
        assertEquals(0.0, f);
    }

    @Test void maxIterZeroEvaluatesOnceAndReturnsTheStartingValue() {
        List<double[]> trace = new ArrayList<>();
        float[] x = {0};
        assertEquals(18.0, Lbfgs.minimize(recording(PARABOLA, trace), x, 0, 5, 1e-6));
        assertEquals(1, trace.size());
        assertEquals(0f, x[0]);
        // one iteration: the steepest-descent step only
        trace.clear();
        assertEquals(8.0, Lbfgs.minimize(recording(PARABOLA, trace), x, 1, 5, 1e-6));
        assertEquals(2, trace.size());
        assertEquals(1f, x[0]);
    }

    @Test void stopsOnlyWhenTheGradientIsStrictlyBelowTol() {
        Fn line = (x, g) -> { g[0] = 1; return x[0]; }; // ‖∇f‖∞ = 1 everywhere
        List<double[]> trace = new ArrayList<>();
        float[] x = {0};
        double f = Lbfgs.minimize(recording(line, trace), x, 1, 5, 1.0);
        // 1 < 1 is false: one iteration, step min(1, 1/1) = 1 along −g
        assertEquals(2, trace.size());
        assertEquals(-1f, x[0]);
        assertEquals(-1.0, f);
        trace.clear();
        x[0] = 0;
        Lbfgs.minimize(recording(line, trace), x, 1, 5, 1.0000001);
        assertEquals(1, trace.size());
        assertEquals(0f, x[0]);
    }

    @Test void givesUpAfterFortyRejectedSteps() {
        // the gradient lies (points uphill), so no step along −g decreases f = x²
        Fn liar = (x, g) -> { g[0] = -2 * x[0]; return x[0] * x[0]; };
        List<double[]> trace = new ArrayList<>();
        float[] x = {1};
        double f = Lbfgs.minimize(recording(liar, trace), x, 100, 5, 1e-6);
        assertEquals(1 + 40, trace.size());
        assertEquals(1f, x[0], "a rejected step leaves x alone");
        assertEquals(1.0, f);
        // the trial steps: min(1, 1/2) halved each time, along d = 2
        for (int ls = 0; ls < 40; ls++) assertEquals(1 + 0.5 * Math.pow(0.5, ls) * 2, trace.get(1 + ls)[0], 1e-6);
    }

    @Test void stopsWhenTheDecreaseIsRelativelyFlat() {
        // the parabola lifted by 1e10: the first step decreases f by 10 ≤ 1e-9·|f|, so the solver stops at x = 1
        Fn lifted = (x, g) -> PARABOLA.eval(x, g) + 1e10;
        List<double[]> trace = new ArrayList<>();
        float[] x = {0};
        double f = Lbfgs.minimize(recording(lifted, trace), x, 100, 5, 1e-6);
        assertEquals(2, trace.size());
        assertEquals(1f, x[0]);
        assertEquals(1e10 + 8, f);
        // lifted by 1e9 instead: 10 > 1e-9·|f| ≈ 1, so it goes on to the minimum
        Fn lower = (x2, g) -> PARABOLA.eval(x2, g) + 1e9;
        trace.clear();
        x[0] = 0;
        assertEquals(1e9, Lbfgs.minimize(recording(lower, trace), x, 100, 5, 1e-6));
        assertEquals(3f, x[0]);
    }

    /** f = ½ Σ a_i (x_i − c_i)², an ill-conditioned quadratic. */
    static final double[] A = {1, 10, 100, 3}, C = {1, -2, 3, 0.5};
    static final Fn QUADRATIC = (x, g) -> {
        double f = 0;
        for (int i = 0; i < x.length; i++) { double r = x[i] - C[i]; f += 0.5 * A[i] * r * r; g[i] = A[i] * r; }
        return f;
    };

    static final Fn ROSENBROCK = (x, g) -> {
        double a = 1 - x[0], b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    };

    @Test void quadraticTraceMatchesTheMatrixFormReference() {
        for (int memory : new int[] {1, 2, 3, 10}) {
            List<double[]> trace = new ArrayList<>();
            float[] x = new float[4];
            double f = Lbfgs.minimize(recording(QUADRATIC, trace), x, 200, memory, 1e-5);
            List<double[]> ref = Reference.minimize(QUADRATIC, new double[4], 200, memory, 1e-5);
            assertTracesAgree(ref, trace, 12, 1e-4, "memory " + memory);
            for (int i = 0; i < 4; i++) assertEquals(C[i], x[i], 1e-3, "memory " + memory);
            assertEquals(0, f, 1e-7);
            assertEquals(f, QUADRATIC.eval(toDouble(x), new double[4]), 1e-15, "returns f at the final point");
        }
    }

    @Test void rosenbrockTraceMatchesTheMatrixFormReference() {
        for (int memory : new int[] {2, 5}) {
            List<double[]> trace = new ArrayList<>();
            float[] x = {-1.2f, 1f};
            double f = Lbfgs.minimize(recording(ROSENBROCK, trace), x, 500, memory, 1e-4);
            List<double[]> ref = Reference.minimize(ROSENBROCK, new double[] {-1.2f, 1f}, 500, memory, 1e-4);
            // float rounding makes the two drift apart after a dozen evaluations on this curved valley
            assertTracesAgree(ref, trace, 10, 1e-3, "memory " + memory);
            assertEquals(1, x[0], 1e-2);
            assertEquals(1, x[1], 2e-2);
            assertEquals(f, ROSENBROCK.eval(toDouble(x), new double[2]), 1e-12);
        }
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    static void assertTracesAgree(List<double[]> ref, List<double[]> got, int first, double tol, String what) {
        assertTrue(got.size() >= Math.min(first, ref.size()), what + ": " + got.size() + " evaluations, reference " + ref.size());
        for (int e = 0; e < Math.min(first, ref.size()); e++)
            for (int i = 0; i < ref.get(e).length; i++)
                assertEquals(ref.get(e)[i], got.get(e)[i], tol * Math.max(1, Math.abs(ref.get(e)[i])),
                        what + ", evaluation " + e + ", coordinate " + i);
    }

    /**
     * The same method in doubles with the textbook matrix form of the limited-memory inverse Hessian:
     * H = γI, then for each stored pair, oldest first, H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,
     * γ = sᵀy / yᵀy of the newest pair. Same step rules: first step min(1, 1/‖g‖), Armijo with c = 1e-4
     * and halving (40 tries), pairs kept when sᵀy &gt; 1e-12, stop on ‖g‖∞ &lt; tol or a relative
     * decrease ≤ 1e-9. Returns the evaluated points.
     */
    static final class Reference {
        static List<double[]> minimize(Fn fn, double[] x, int maxIter, int memory, double tol) {
            int n = x.length;
            List<double[]> trace = new ArrayList<>();
            List<double[][]> pairs = new ArrayList<>(); // {s, y}, oldest first
            double[] g = new double[n];
            trace.add(x.clone());
            double fx = fn.eval(x, g);
            for (int it = 0; it < maxIter; it++) {
                double gMax = 0;
                for (double v : g) gMax = Math.max(gMax, Math.abs(v));
                if (gMax < tol) break;
                double[][] h = new double[n][n];
                double gamma = 1;
                if (!pairs.isEmpty()) {
                    double[][] last = pairs.get(pairs.size() - 1);
                    gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
                }
                for (int i = 0; i < n; i++) h[i][i] = gamma;
                for (double[][] p : pairs) h = update(h, p[0], p[1]);
                double[] d = new double[n];
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) d[i] -= h[i][j] * g[j];
                double slope = dot(g, d);
                if (slope >= 0) {
                    for (int i = 0; i < n; i++) d[i] = -g[i];
                    slope = dot(g, d);
                    pairs.clear();
                }
                double step = pairs.isEmpty() && it == 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
                double[] xNew = new double[n], gNew = new double[n];
                double fNew = Double.NaN;
                boolean accepted = false;
                for (int ls = 0; ls < 40 && !accepted; ls++) {
                    for (int i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
                    trace.add(xNew.clone());
                    fNew = fn.eval(xNew, gNew);
                    if (fNew <= fx + 1e-4 * step * slope) accepted = true;
                    else step *= 0.5;
                }
                if (!accepted) break;
                double[] s = new double[n], y = new double[n];
                for (int i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i]; }
                if (dot(s, y) > 1e-12) {
                    pairs.add(new double[][] {s, y});
                    if (pairs.size() > memory) pairs.remove(0);
                }
                x = xNew.clone();
                g = gNew.clone();
                boolean flat = Math.abs(fx - fNew) <= 1e-9 * Math.max(1, Math.abs(fx));
                fx = fNew;
                if (flat) break;
            }
            return trace;
        }

        static double[][] update(double[][] h, double[] s, double[] y) {
            int n = s.length;
            double rho = 1 / dot(s, y);
            double[][] v = new double[n][n]; // V = I − ρ y sᵀ
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) v[i][j] = (i == j ? 1 : 0) - rho * y[i] * s[j];
            double[][] out = new double[n][n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double t = 0;
                    for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) t += v[a][i] * h[a][b] * v[b][j];
                    out[i][j] = t + rho * s[i] * s[j];
                }
            return out;
        }

        static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i] * b[i];
            return s;
        }
    }
}
