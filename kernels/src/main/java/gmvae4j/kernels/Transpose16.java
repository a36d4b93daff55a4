package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * In-register transposes, so that a product's operands are packed (and a transposed tile added
 * back) without a strided store per element: a 16×16 float block (sgemm's transposed B, and gyᵀ
 * in {@link TapGemm}'s weight gradient), and an 8×16 block ({@link #transpose8x16}: eight rows of
 * an untransposed A into an 8-row micro-panel, and TapGemm's gradient tiles turned round).
 *
 * <p>Four stages swap blocks of 8, 4, 2 and 1 lanes between row pairs (r, r+b): after the
 * stage with block size b, bit b of the row index and bit b of the lane index have traded
 * places, so after all four the rows hold the columns. Each output is one two-source lane
 * select (vpermi2ps on AVX-512). Only used when the preferred species has 16 lanes.
 */
final class Transpose16 {
    private Transpose16() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final boolean USABLE = FloatVector.SPECIES_PREFERRED.length() == 16;

    /*
     * The lane-index tables, kept as float arrays and loaded with fromArray(S, ...) inside
     * transpose(), not kept as FloatVector objects: a vector read out of an Object array has only
     * the static type FloatVector, and the JIT then depends on the type profile to intrinsify the
     * selectFrom calls on it. In a long training run that profile did not hold: transpose() was
     * compiled to 165 kB of boxing fallback code, took about a quarter of the CPU samples of a
     * mixture step and allocated about 2.5 GB/s (1,100 young collections in 2 minutes). Loaded
     * from the species constant, the vector type is exact and the intrinsics always apply.
     */
    private static final float[][] LO = new float[9][], HI = new float[9][];
    /** The three stages of {@link #transpose8x16}: lane indices of the low and the high output of a pair. */
    private static final float[] LO8_1 = new float[16], HI8_1 = new float[16], LO8_2 = new float[16], HI8_2 = new float[16],
            LO8_3 = new float[16], HI8_3 = new float[16];

    static {
        for (int b = 1; b <= 8; b <<= 1) {
            float[] lo = new float[16], hi = new float[16];
            for (int i = 0; i < 16; i++) {
                lo[i] = (i & b) == 0 ? i : 16 + i - b;   // row r keeps its low block, takes r+b's low block
                hi[i] = (i & b) == 0 ? i + b : 16 + i;   // row r+b takes r's high block, keeps its high block
            }
            LO[b] = lo;
            HI[b] = hi;
        }
        // transpose8x16: a value (row r, step p) starts in vector r, lane p; it must end in vector
        // p >> 1, lane (p & 1)·8 + r. Each stage swaps one bit of the vector index with one bit of
        // the lane index (r2 ↔ p3, r1 ↔ p2, r0 ↔ p1) and puts the lane bits in their final order.
        for (int l = 0; l < 16; l++) {
            int x3 = l >> 3 & 1, x2 = l >> 2 & 1, x1 = l >> 1 & 1, x0 = l & 1;
            LO8_1[l] = 16 * x3 + (l & 7);               // lanes (r2, p2, p1, p0) from lanes (p3, p2, p1, p0)
            HI8_1[l] = LO8_1[l] + 8;
            LO8_2[l] = 16 * x1 + 8 * x2 + 2 * x0 + x3;  // lanes (p0, r2, r1, p1)
            HI8_2[l] = LO8_2[l] + 4;
            LO8_3[l] = 16 * x0 + (l & ~1);              // lanes (p0, r2, r1, r0)
            HI8_3[l] = LO8_3[l] + 1;
        }
    }

    /**
     * dst[d + p·8 + r] = src[s + r·srcStride + p] for r in [0, 8), p in [0, 16): eight rows of A,
     * sixteen steps deep, into the packed order of an 8-row micro-panel (the eight values of one
     * step adjacent). Eight loads, three stages of eight two-source selects, eight stores that
     * fill 512 contiguous bytes, instead of 128 scalar stores 32 bytes apart.
     */
    static void transpose8x16(float[] src, int s, int srcStride, float[] dst, int d) {
        FloatVector v0 = FloatVector.fromArray(S, src, s), v1 = FloatVector.fromArray(S, src, s + srcStride);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * srcStride), v3 = FloatVector.fromArray(S, src, s + 3 * srcStride);
        FloatVector v4 = FloatVector.fromArray(S, src, s + 4 * srcStride), v5 = FloatVector.fromArray(S, src, s + 5 * srcStride);
        FloatVector v6 = FloatVector.fromArray(S, src, s + 6 * srcStride), v7 = FloatVector.fromArray(S, src, s + 7 * srcStride);
        FloatVector t, lo, hi;
        // r2 ↔ p3: pairs (0,4) (1,5) (2,6) (3,7)
        lo = FloatVector.fromArray(S, LO8_1, 0); hi = FloatVector.fromArray(S, HI8_1, 0);
        t = lo.selectFrom(v0, v4); v4 = hi.selectFrom(v0, v4); v0 = t;
        t = lo.selectFrom(v1, v5); v5 = hi.selectFrom(v1, v5); v1 = t;
        t = lo.selectFrom(v2, v6); v6 = hi.selectFrom(v2, v6); v2 = t;
        t = lo.selectFrom(v3, v7); v7 = hi.selectFrom(v3, v7); v3 = t;
        // r1 ↔ p2: pairs (0,2) (1,3) (4,6) (5,7)
        lo = FloatVector.fromArray(S, LO8_2, 0); hi = FloatVector.fromArray(S, HI8_2, 0);
        t = lo.selectFrom(v0, v2); v2 = hi.selectFrom(v0, v2); v0 = t;
        t = lo.selectFrom(v1, v3); v3 = hi.selectFrom(v1, v3); v1 = t;
        t = lo.selectFrom(v4, v6); v6 = hi.selectFrom(v4, v6); v4 = t;
        t = lo.selectFrom(v5, v7); v7 = hi.selectFrom(v5, v7); v5 = t;
        // r0 ↔ p1: pairs (0,1) (2,3) (4,5) (6,7); vector q now holds steps 2q and 2q+1
        lo = FloatVector.fromArray(S, LO8_3, 0); hi = FloatVector.fromArray(S, HI8_3, 0);
        t = lo.selectFrom(v0, v1); v1 = hi.selectFrom(v0, v1); v0 = t;
        t = lo.selectFrom(v2, v3); v3 = hi.selectFrom(v2, v3); v2 = t;
        t = lo.selectFrom(v4, v5); v5 = hi.selectFrom(v4, v5); v4 = t;
        t = lo.selectFrom(v6, v7); v7 = hi.selectFrom(v6, v7); v6 = t;
        v0.intoArray(dst, d);      v1.intoArray(dst, d + 16); v2.intoArray(dst, d + 32); v3.intoArray(dst, d + 48);
        v4.intoArray(dst, d + 64); v5.intoArray(dst, d + 80); v6.intoArray(dst, d + 96); v7.intoArray(dst, d + 112);
    }

    /**
     * dst[d + q·dstStride + r] = src[s + r·srcStride + q] for r, q in [0, 16): reads 16 rows of
     * 16 floats, writes 16 rows of 16 floats.
     */
    static void transpose(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
        FloatVector v0 = FloatVector.fromArray(S, src, s), v1 = FloatVector.fromArray(S, src, s + srcStride);
        FloatVector v2 = FloatVector.fromArray(S, src, s + 2 * srcStride), v3 = FloatVector.fromArray(S, src, s + 3 * srcStride);
        FloatVector v4 = FloatVector.fromArray(S, src, s + 4 * srcStride), v5 = FloatVector.fromArray(S, src, s + 5 * srcStride);
        FloatVector v6 = FloatVector.fromArray(S, src, s + 6 * srcStride), v7 = FloatVector.fromArray(S, src, s + 7 * srcStride);
        FloatVector v8 = FloatVector.fromArray(S, src, s + 8 * srcStride), v9 = FloatVector.fromArray(S, src, s + 9 * srcStride);
        FloatVector va = FloatVector.fromArray(S, src, s + 10 * srcStride), vb = FloatVector.fromArray(S, src, s + 11 * srcStride);
        FloatVector vc = FloatVector.fromArray(S, src, s + 12 * srcStride), vd = FloatVector.fromArray(S, src, s + 13 * srcStride);
        FloatVector ve = FloatVector.fromArray(S, src, s + 14 * srcStride), vf = FloatVector.fromArray(S, src, s + 15 * srcStride);
        FloatVector t, lo, hi;
        // b = 8: pairs (0,8) (1,9) ... (7,15)
        lo = FloatVector.fromArray(S, LO[8], 0); hi = FloatVector.fromArray(S, HI[8], 0);
        t = lo.selectFrom(v0, v8); v8 = hi.selectFrom(v0, v8); v0 = t;
        t = lo.selectFrom(v1, v9); v9 = hi.selectFrom(v1, v9); v1 = t;
        t = lo.selectFrom(v2, va); va = hi.selectFrom(v2, va); v2 = t;
        t = lo.selectFrom(v3, vb); vb = hi.selectFrom(v3, vb); v3 = t;
        t = lo.selectFrom(v4, vc); vc = hi.selectFrom(v4, vc); v4 = t;
        t = lo.selectFrom(v5, vd); vd = hi.selectFrom(v5, vd); v5 = t;
        t = lo.selectFrom(v6, ve); ve = hi.selectFrom(v6, ve); v6 = t;
        t = lo.selectFrom(v7, vf); vf = hi.selectFrom(v7, vf); v7 = t;
        // b = 4: pairs (0,4) (1,5) (2,6) (3,7) (8,12) ...
        lo = FloatVector.fromArray(S, LO[4], 0); hi = FloatVector.fromArray(S, HI[4], 0);
        t = lo.selectFrom(v0, v4); v4 = hi.selectFrom(v0, v4); v0 = t;
        t = lo.selectFrom(v1, v5); v5 = hi.selectFrom(v1, v5); v1 = t;
        t = lo.selectFrom(v2, v6); v6 = hi.selectFrom(v2, v6); v2 = t;
        t = lo.selectFrom(v3, v7); v7 = hi.selectFrom(v3, v7); v3 = t;
        t = lo.selectFrom(v8, vc); vc = hi.selectFrom(v8, vc); v8 = t;
        t = lo.selectFrom(v9, vd); vd = hi.selectFrom(v9, vd); v9 = t;
        t = lo.selectFrom(va, ve); ve = hi.selectFrom(va, ve); va = t;
        t = lo.selectFrom(vb, vf); vf = hi.selectFrom(vb, vf); vb = t;
        // b = 2: pairs (0,2) (1,3) (4,6) (5,7) ...
        lo = FloatVector.fromArray(S, LO[2], 0); hi = FloatVector.fromArray(S, HI[2], 0);
        t = lo.selectFrom(v0, v2); v2 = hi.selectFrom(v0, v2); v0 = t;
        t = lo.selectFrom(v1, v3); v3 = hi.selectFrom(v1, v3); v1 = t;
        t = lo.selectFrom(v4, v6); v6 = hi.selectFrom(v4, v6); v4 = t;
        t = lo.selectFrom(v5, v7); v7 = hi.selectFrom(v5, v7); v5 = t;
        t = lo.selectFrom(v8, va); va = hi.selectFrom(v8, va); v8 = t;
        t = lo.selectFrom(v9, vb); vb = hi.selectFrom(v9, vb); v9 = t;
        t = lo.selectFrom(vc, ve); ve = hi.selectFrom(vc, ve); vc = t;
        t = lo.selectFrom(vd, vf); vf = hi.selectFrom(vd, vf); vd = t;
        // b = 1: pairs (0,1) (2,3) ...
        lo = FloatVector.fromArray(S, LO[1], 0); hi = FloatVector.fromArray(S, HI[1], 0);
        t = lo.selectFrom(v0, v1); v1 = hi.selectFrom(v0, v1); v0 = t;
        t = lo.selectFrom(v2, v3); v3 = hi.selectFrom(v2, v3); v2 = t;
        t = lo.selectFrom(v4, v5); v5 = hi.selectFrom(v4, v5); v4 = t;
        t = lo.selectFrom(v6, v7); v7 = hi.selectFrom(v6, v7); v6 = t;
        t = lo.selectFrom(v8, v9); v9 = hi.selectFrom(v8, v9); v8 = t;
        t = lo.selectFrom(va, vb); vb = hi.selectFrom(va, vb); va = t;
        t = lo.selectFrom(vc, vd); vd = hi.selectFrom(vc, vd); vc = t;
        t = lo.selectFrom(ve, vf); vf = hi.selectFrom(ve, vf); ve = t;
        v0.intoArray(dst, d);                  v1.intoArray(dst, d + dstStride);
        v2.intoArray(dst, d + 2 * dstStride);  v3.intoArray(dst, d + 3 * dstStride);
        v4.intoArray(dst, d + 4 * dstStride);  v5.intoArray(dst, d + 5 * dstStride);
        v6.intoArray(dst, d + 6 * dstStride);  v7.intoArray(dst, d + 7 * dstStride);
        v8.intoArray(dst, d + 8 * dstStride);  v9.intoArray(dst, d + 9 * dstStride);
        va.intoArray(dst, d + 10 * dstStride); vb.intoArray(dst, d + 11 * dstStride);
        vc.intoArray(dst, d + 12 * dstStride); vd.intoArray(dst, d + 13 * dstStride);
        ve.intoArray(dst, d + 14 * dstStride); vf.intoArray(dst, d + 15 * dstStride);
    }
}
