package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bitwise-reproducible float exp, log, log1p, tanh, sigmoid and softplus, on vectors and on
 * single floats.
 *
 * <p><b>Why this exists.</b> {@code FloatVector.lanewise(EXP / LOG / LOG1P / TANH)} is computed
 * by Java {@link Math} calls per lane while a method runs interpreted or in C1, and by the SVML
 * intrinsic once C2 has compiled it. The two differ in the last bit for some inputs, so the same
 * training run gave different models depending on when the JIT kicked in (two CLI runs with one
 * seed differed; in one JVM the first runs differed from later ones). Everything here is built
 * only from operations that IEEE 754 rounds exactly and that the Vector API therefore computes
 * identically in every execution mode: add, sub, mul, div, fma, min/max, compares and blends,
 * integer adds/shifts/ands on the bits. The results depend only on the input bits.
 *
 * <p>The scalar overloads do the very same operations in the same order ({@link Math#fma} for
 * each vector fma, an {@code if} for each blend), so a value computed in a loop's scalar tail is
 * bit-identical to the same value computed in a vector lane.
 *
 * <p><b>Where the constants come from.</b> exp and log are the single-precision Cephes
 * algorithms (S. L. Moshier, Cephes Math Library, {@code expf.c} and {@code logf.c}; the same
 * polynomials are used by Sleef's and many SIMD libraries' float paths): Cody-Waite range
 * reduction with ln 2 split as 0.693359375 (exactly representable, few significant bits) plus
 * -2.12194440e-4, and the Cephes minimax polynomials. tanh is Cephes {@code tanhf.c}: an odd
 * polynomial for |x| < 0.625, else 1 - 2/(e^{2|x|} + 1). Measured error against
 * {@link StrictMath}: see VectorMathTest (at most a few ulp).
 */
final class VectorMath {
    private VectorMath() {}

    // ---------------------------------------------------------------- constants

    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer (ties to even). */
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = 0x4B400000;

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits so n·LN2_HI is exact for |n| < 2^15. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    /** exp is clamped to [EXP_LO, EXP_HI]: below, the result rounds to 0; above, to +inf. */
    private static final float EXP_LO = -104f;
    private static final float EXP_HI = 89f;

    // Cephes expf: e^r ≈ 1 + r + r²·P(r) on |r| <= ln2/2
    private static final float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f,
            E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;

    // Cephes logf: log(1+m) ≈ m - m²/2 + m³·P(m) on sqrt(1/2)-1 <= m < sqrt(2)-1
    private static final float SQRTHF = 0.707106781186547524f;
    private static final float SQRT2M1 = 0.41421356237309505f;
    private static final float L0 = 7.0376836292e-2f, L1 = -1.1514610310e-1f, L2 = 1.1676998740e-1f,
            L3 = -1.2420140846e-1f, L4 = 1.4249322787e-1f, L5 = -1.6668057665e-1f,
            L6 = 2.0000714765e-1f, L7 = -2.4999993993e-1f, L8 = 3.3333331174e-1f;

    // Cephes tanhf, |x| < 0.625: x + x·z·P(z), z = x²
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;

    // ---------------------------------------------------------------- vector constants

    /*
     * Every constant a vector function uses is broadcast once, here, instead of with
     * x.broadcast(c) or a scalar overload such as fma(float, float) at each use. Why: C2 parses
     * each Vector API call into many IR nodes before it reduces them to one instruction, and a
     * broadcast costs as much as the operation itself. softplus (exp then a log polynomial) and
     * the fused BCE (softplus and sigmoid) crossed C2's per-compilation node budget
     * (NodeCountInliningCutoff), so logCore stopped being inlined; a vector passed to a method
     * that is not inlined is boxed on the heap, which cost 1.8 MB per MLP training step and
     * doubled softplus's time. With the broadcasts hoisted, everything inlines and allocates nothing.
     * All kernels use the preferred species (VectorKernels.S), so these match every argument.
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static FloatVector v(float c) { return FloatVector.broadcast(S, c); }

    private static final FloatVector ZERO = v(0f), HALF = v(0.5f), MINUS_HALF = v(-0.5f), ONE = v(1f), TWO = v(2f);
    private static final FloatVector V_MAGIC = v(MAGIC), V_LOG2E = v(LOG2E), V_EXP_LO = v(EXP_LO), V_EXP_HI = v(EXP_HI);
    private static final FloatVector V_LN2_HI = v(LN2_HI), V_LN2_LO = v(LN2_LO),
            V_MINUS_LN2_HI = v(-LN2_HI), V_MINUS_LN2_LO = v(-LN2_LO);
    private static final FloatVector V_E0 = v(E0), V_E1 = v(E1), V_E2 = v(E2), V_E3 = v(E3), V_E4 = v(E4), V_E5 = v(E5);
    private static final FloatVector V_L0 = v(L0), V_L1 = v(L1), V_L2 = v(L2), V_L3 = v(L3), V_L4 = v(L4),
            V_L5 = v(L5), V_L6 = v(L6), V_L7 = v(L7), V_L8 = v(L8);
    private static final FloatVector V_SQRT2M1 = v(SQRT2M1);
    private static final IntVector I_MAGIC_BITS = IntVector.broadcast(S.vectorShape().withLanes(int.class), MAGIC_BITS),
            I_127 = IntVector.broadcast(S.vectorShape().withLanes(int.class), 127);
    private static final FloatVector V_T0 = v(T0), V_T1 = v(T1), V_T2 = v(T2), V_T3 = v(T3), V_T4 = v(T4);

    // ---------------------------------------------------------------- exp

    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(V_EXP_LO).min(V_EXP_HI);            // NaN stays NaN
        FloatVector t = xc.fma(V_LOG2E, V_MAGIC);                   // MAGIC + round(x·log2 e)
        FloatVector n = t.sub(V_MAGIC);
        FloatVector r = n.fma(V_MINUS_LN2_HI, xc);                  // x - n·ln2, in two steps
        r = n.fma(V_MINUS_LN2_LO, r);
        FloatVector p = r.fma(V_E0, V_E1);
        p = p.fma(r, V_E2);
        p = p.fma(r, V_E3);
        p = p.fma(r, V_E4);
        p = p.fma(r, V_E5);
        p = p.fma(r.mul(r), r).add(ONE);
        // 2^n as two factors 2^(n>>1)·2^(n-(n>>1)), each a normal float for n in [-150, 128],
        // so results in the subnormal range are rounded once, in the last multiply.
        IntVector ni = t.reinterpretAsInts().sub(I_MAGIC_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(I_127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(I_127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, E0, E1);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r * r, r) + 1f;
        int ni = Float.floatToRawIntBits(t) - MAGIC_BITS;
        int n1 = ni >> 1, n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    // ---------------------------------------------------------------- log

    static FloatVector log(FloatVector x) {
        // subnormals: scale by 2^23 first so the exponent field is meaningful
        VectorMask<Float> sub = x.compare(VectorOperators.LT, 0x1p-126f);
        FloatVector xs = x.mul(0x1p23f, sub);
        IntVector bits = xs.reinterpretAsInts();
        // exponent as a float, exactly: (biased exponent - 126) through the MAGIC trick
        FloatVector e = bits.lanewise(VectorOperators.LSHR, 23).add(MAGIC_BITS - 126)
                .reinterpretAsFloats().sub(MAGIC);
        e = e.sub(23f, sub);
        FloatVector m = bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats();   // [0.5, 1)
        VectorMask<Float> lo = m.compare(VectorOperators.LT, SQRTHF);
        e = e.sub(1f, lo);
        m = m.add(m, lo).sub(ONE);                                   // now in [sqrt(.5)-1, sqrt(2)-1)
        FloatVector res = logCore(m, e);
        res = res.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        res = res.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        VectorMask<Float> nan = x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN));
        return res.blend(Float.NaN, nan);
    }

    /** e·ln 2 + log(1+m) for m in [sqrt(1/2)-1, sqrt(2)-1): the Cephes logf polynomial. */
    private static FloatVector logCore(FloatVector m, FloatVector e) {
        FloatVector z = m.mul(m);
        FloatVector y = m.fma(V_L0, V_L1);
        y = y.fma(m, V_L2);
        y = y.fma(m, V_L3);
        y = y.fma(m, V_L4);
        y = y.fma(m, V_L5);
        y = y.fma(m, V_L6);
        y = y.fma(m, V_L7);
        y = y.fma(m, V_L8);
        y = y.mul(m).mul(z);
        y = e.fma(V_LN2_LO, y);
        y = z.fma(MINUS_HALF, y);
        return e.fma(V_LN2_HI, m.add(y));
    }

    static float log(float x) {
        boolean sub = x < 0x1p-126f;
        float xs = sub ? x * 0x1p23f : x;
        int bits = Float.floatToRawIntBits(xs);
        float e = Float.intBitsToFloat((bits >>> 23) + (MAGIC_BITS - 126)) - MAGIC;
        if (sub) e = e - 23f;
        float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f000000);
        if (m < SQRTHF) {
            e = e - 1f;
            m = m + m;
        }
        m = m - 1f;
        float res = logCore(m, e);
        if (x == Float.POSITIVE_INFINITY) res = x;
        if (x == 0f) res = Float.NEGATIVE_INFINITY;
        if (x < 0f || x != x) res = Float.NaN;
        return res;
    }

    private static float logCore(float m, float e) {
        float z = m * m;
        float y = Math.fma(m, L0, L1);
        y = Math.fma(y, m, L2);
        y = Math.fma(y, m, L3);
        y = Math.fma(y, m, L4);
        y = Math.fma(y, m, L5);
        y = Math.fma(y, m, L6);
        y = Math.fma(y, m, L7);
        y = Math.fma(y, m, L8);
        y = y * m * z;
        y = Math.fma(e, LN2_LO, y);
        y = Math.fma(z, -0.5f, y);
        return Math.fma(e, LN2_HI, m + y);
    }

    // ---------------------------------------------------------------- log1p

    /**
     * log(1+u) = log(w)·u/(w-1) with w = 1+u rounded (the classic compensation: the rounding
     * error of w cancels to first order), and u itself where w rounds to 1.
     */
    static FloatVector log1p(FloatVector u) {
        FloatVector w = u.add(ONE);
        FloatVector res = log(w).mul(u.div(w.sub(ONE)));
        res = res.blend(u, w.compare(VectorOperators.EQ, 1f));
        return res.blend(w, w.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    static float log1p(float u) {
        float w = u + 1f;
        float res = log(w) * (u / (w - 1f));
        if (w == 1f) res = u;
        if (w == Float.POSITIVE_INFINITY) res = w;
        return res;
    }

    /**
     * log(1+u) for u in [0, 1] (NaN stays NaN), without a division: 1+u = 2^e·(1+m) with m = u
     * (exact) when u < sqrt(2)-1, else e = 1 and m = (u-1)/2; then the log polynomial. This is
     * what softplus needs (u = e^-|x|), about twice as fast as {@link #log1p(FloatVector)}.
     */
    static FloatVector log1pUnit(FloatVector u) {
        VectorMask<Float> hi = u.compare(VectorOperators.GE, V_SQRT2M1);
        FloatVector m = u.blend(u.sub(ONE).mul(HALF), hi);
        FloatVector e = ZERO.blend(ONE, hi);
        return logCore(m, e);
    }

    static float log1pUnit(float u) {
        boolean hi = u >= SQRT2M1;
        float m = hi ? (u - 1f) * 0.5f : u;
        float e = hi ? 1f : 0f;
        return logCore(m, e);
    }

    // ---------------------------------------------------------------- tanh

    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(V_T0, V_T1);
        p = p.fma(z, V_T2);
        p = p.fma(z, V_T3);
        p = p.fma(z, V_T4);
        FloatVector small = p.mul(z).fma(x, x);
        // 1 - 2/(e^{2|x|}+1): e^{2|x|} = +inf for |x| > 44.4 gives exactly 1
        FloatVector big = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        big = big.reinterpretAsInts().or(sign).reinterpretAsFloats();
        return big.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        float z = x * x;
        if (a < TANH_SMALL) {
            float p = Math.fma(z, T0, T1);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T3);
            p = Math.fma(p, z, T4);
            return Math.fma(p * z, x, x);
        }
        float big = 1f - 2f / (exp(a + a) + 1f);
        return Float.intBitsToFloat(Float.floatToRawIntBits(big) | (Float.floatToRawIntBits(x) & 0x80000000));
    }

    // ---------------------------------------------------------------- sigmoid, softplus

    /** e^-|x|: the one exponential both sigmoid and softplus need; a fused BCE computes it once. */
    static FloatVector expNegAbs(FloatVector x) { return exp(x.abs().neg()); }

    static float expNegAbs(float x) { return exp(-Math.abs(x)); }

    /**
     * With e = e^-|x|: 1/(1+e) for x >= 0, e·1/(1+e) for x < 0, so large negative x gives the
     * tiny (possibly subnormal) true value instead of 0, and nothing overflows.
     */
    static FloatVector sigmoid(FloatVector x) { return sigmoid(x, expNegAbs(x)); }

    static FloatVector sigmoid(FloatVector x, FloatVector e) {
        FloatVector d = ONE.div(e.add(ONE));
        return d.blend(e.mul(d), x.compare(VectorOperators.LT, ZERO));
    }

    static float sigmoid(float x) { return sigmoid(x, expNegAbs(x)); }

    static float sigmoid(float x, float e) {
        float d = 1f / (e + 1f);
        return x < 0f ? e * d : d;
    }

    /** max(x,0) + log1p(e^-|x|): never exponentiates a large positive number. */
    static FloatVector softplus(FloatVector x) { return softplus(x, expNegAbs(x)); }

    static FloatVector softplus(FloatVector x, FloatVector e) { return x.max(ZERO).add(log1pUnit(e)); }

    static float softplus(float x) { return softplus(x, expNegAbs(x)); }

    static float softplus(float x, float e) { return Math.max(x, 0f) + log1pUnit(e); }

    /**
     * One element of binary cross-entropy from a logit x, target t and e = e^-|x|:
     * max(x,0) − x·t + log1p(e), the first two terms in one rounding (an fma). Why not
     * softplus(x) − x·t: for a confident, right prediction (x large, t near 1) softplus(x) and x·t
     * are close and large, and their difference keeps only the large numbers' ulps (at x = 4.34,
     * t = 1: a loss of 0.0129 off by 1.5e-5 of itself, enough to fail the loss's gradient check).
     */
    static FloatVector bce(FloatVector x, FloatVector t, FloatVector e) {
        return x.neg().fma(t, x.max(ZERO)).add(log1pUnit(e));
    }

    static float bce(float x, float t, float e) { return Math.fma(-x, t, Math.max(x, 0f)) + log1pUnit(e); }
}
