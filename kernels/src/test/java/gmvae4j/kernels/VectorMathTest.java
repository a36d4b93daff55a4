package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link VectorMath} against {@link StrictMath} (error in ulp of the float result) on random
 * values over the ranges the model uses and on edge values, and vector lanes against the scalar
 * overloads bit for bit (so a loop's scalar tail computes exactly what a vector lane would).
 */
class VectorMathTest {

    static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 0x1p-140f, 0x1p-127f,
            Float.MIN_NORMAL, 1e-30f, 1e-8f, -1e-8f, 1e-3f, 0.5f, 0.625f, -0.625f, 0.62499994f, 1f, -1f,
            2f, 9f, -9f, 20f, -20f, 44f, -44f, 45f, 87.5f, 88f, 88.72f, 88.7228f, 88.7229f, 89f, 100f,
            -87.3f, -88f, -88.7f, -100f, -103f, -103.2f, -103.97f, -104f, -105f, -1000f, 1000f,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    /** ulp distance of got from the exactly rounded float of want; 0 when both are NaN or equal. */
    static double ulps(double want, float got) {
        float w = (float) want;
        if (Float.isNaN(w) || Float.isNaN(got)) return Float.isNaN(w) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        if (w == got) return 0;
        if (Float.isInfinite(w) || Float.isInfinite(got)) return Double.POSITIVE_INFINITY;
        return Math.abs(want - got) / Math.ulp(w);
    }

    static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] out = new float[x.length];
        int i = 0;
        for (; i + SP.length() <= x.length; i += SP.length()) f.apply(FloatVector.fromArray(SP, x, i)).intoArray(out, i);
        if (i < x.length) {
            float[] pad = new float[SP.length()];
            System.arraycopy(x, i, pad, 0, x.length - i);
            float[] o = new float[SP.length()];
            f.apply(FloatVector.fromArray(SP, pad, 0)).intoArray(o, 0);
            System.arraycopy(o, 0, out, i, x.length - i);
        }
        return out;
    }

    interface Scalar { float apply(float x); }

    /** Max ulp error over x, checked also lane vs scalar bit for bit; returns the max. */
    static double check(String what, UnaryOperator<FloatVector> vf, Scalar sf, DoubleUnaryOperator ref,
                        float[] x, double maxUlp) {
        float[] got = apply(vf, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            float s = sf.apply(x[i]);
            if (Float.floatToRawIntBits(s) != Float.floatToRawIntBits(got[i])
                    && !(Float.isNaN(s) && Float.isNaN(got[i])))
                fail(what + "(" + x[i] + "): vector " + got[i] + " scalar " + s);
            double want = ref.applyAsDouble(x[i]);
            double u = ulps(want, got[i]);
            // a subnormal result can be off by one subnormal ulp from the double rounding of 2^n·p
            if (Math.abs((float) want) < Float.MIN_NORMAL && Math.abs(want - got[i]) <= Float.MIN_VALUE) u = Math.min(u, 1);
            if (!(u <= maxUlp)) fail(what + "(" + x[i] + ") = " + got[i] + ", want " + (float) want + " (" + u + " ulp)");
            worst = Math.max(worst, u);
        }
        System.out.printf("VectorMath.%s: max %.3f ulp over %d values%n", what, worst, x.length);
        return worst;
    }

    static float[] uniform(Random r, int n, float lo, float hi, float[] edges) {
        float[] x = new float[n + edges.length];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.nextFloat();
        System.arraycopy(edges, 0, x, n, edges.length);
        return x;
    }

    final Random r = new Random(7);

    @Test void exp() {
        float[] x = uniform(r, 200_000, -104f, 89f, EDGES);
        check("exp", VectorMath::exp, VectorMath::exp, StrictMath::exp, x, 2);
        check("exp small", VectorMath::exp, VectorMath::exp, StrictMath::exp, uniform(r, 100_000, -2f, 2f, EDGES), 2);
        assertEquals(0f, VectorMath.exp(-104f));
        assertEquals(0f, VectorMath.exp(-1e30f));
        assertEquals(0f, VectorMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, VectorMath.exp(89f));
        assertEquals(1f, VectorMath.exp(0f));
        assertEquals(1f, VectorMath.exp(Float.MIN_VALUE));
        assertTrue(Float.isNaN(VectorMath.exp(Float.NaN)));
    }

    @Test void log() {
        float[] x = new float[300_000];
        for (int i = 0; i < x.length; i++)   // log-uniform over the whole float range, normals and subnormals
            x[i] = Float.intBitsToFloat(r.nextInt(0x7f800000));
        check("log", VectorMath::log, VectorMath::log, StrictMath::log, x, 2);
        check("log near 1", VectorMath::log, VectorMath::log, StrictMath::log, uniform(r, 100_000, 0.5f, 2f, EDGES), 2);
        // mantissas at the reduction's switch √½ (and one ulp either side): lane and scalar must branch alike
        float h = 0.70710677f;
        check("log at the sqrt(1/2) switch", VectorMath::log, VectorMath::log, StrictMath::log, new float[] {h, Math.nextDown(h),
                Math.nextUp(h), 2 * h, h / 2, 1024 * h, Math.nextUp(2 * h), Math.nextDown(2 * h), 0x1p-140f * h * 0x1p10f}, 2);
        assertEquals(Float.NEGATIVE_INFINITY, VectorMath.log(0f));
        assertEquals(Float.NEGATIVE_INFINITY, VectorMath.log(-0f));
        assertEquals(Float.POSITIVE_INFINITY, VectorMath.log(Float.POSITIVE_INFINITY));
        assertEquals(0f, VectorMath.log(1f));
        assertTrue(Float.isNaN(VectorMath.log(-1f)));
        assertTrue(Float.isNaN(VectorMath.log(Float.NaN)));
    }

    @Test void log1p() {
        float[] x = uniform(r, 200_000, -0.999f, 4f, new float[] {0f, -0f, 1e-30f, 1e-8f, 1f, 1e30f,
                Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NaN, -1f});
        check("log1p", VectorMath::log1p, VectorMath::log1p, StrictMath::log1p, x, 3);
        float[] e = new float[100_000];   // what softplus feeds it: e^-|x|
        for (int i = 0; i < e.length; i++) e[i] = (float) Math.exp(-30 * r.nextDouble());
        check("log1p(e^-|x|)", VectorMath::log1p, VectorMath::log1p, StrictMath::log1p, e, 3);
        check("log1pUnit(e^-|x|)", VectorMath::log1pUnit, VectorMath::log1pUnit, StrictMath::log1p, e, 2);
        check("log1pUnit", VectorMath::log1pUnit, VectorMath::log1pUnit, StrictMath::log1p, uniform(r, 200_000, 0f, 1f,
                new float[] {0f, Float.MIN_VALUE, 1e-30f, 1e-8f, 0.41421354f, 0.41421357f, 0.4142136f, 0.5f, 1f, Float.NaN}), 2);
    }

    @Test void tanh() {
        check("tanh", VectorMath::tanh, VectorMath::tanh, StrictMath::tanh, uniform(r, 200_000, -12f, 12f, EDGES), 3);
        check("tanh small", VectorMath::tanh, VectorMath::tanh, StrictMath::tanh, uniform(r, 100_000, -1f, 1f, EDGES), 3);
    }

    @Test void sigmoidAndSoftplus() {
        DoubleUnaryOperator sig = v -> 1 / (1 + StrictMath.exp(-v));
        DoubleUnaryOperator sp = v -> Math.max(v, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(v)));
        check("sigmoid", VectorMath::sigmoid, VectorMath::sigmoid, sig, uniform(r, 200_000, -40f, 40f, EDGES), 3);
        check("softplus", VectorMath::softplus, VectorMath::softplus, sp, uniform(r, 200_000, -40f, 40f, EDGES), 3);
    }
}
