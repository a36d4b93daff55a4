package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A stride-2 tap plane ({@link TapPlanes}) by lane permutes: each plane row is every other value of
 * one source row, so one vector of it is the even lanes of two vectors loaded from that row
 * ({@code selectFrom}, vpermt2ps on AVX-512), with the lanes whose source column lies outside the
 * image zeroed by a blend. Rows are written in order and each row's vector may run past the row's
 * end into the plane's next row, which then overwrites it; a vector that would run past the plane's
 * end is stored masked, so nothing outside the plane is written.
 *
 * <p>Why not a gather through an index map (what {@link TapPlanes} did before): a masked
 * vgatherdps fetches its 16 lanes one by one; here a row of 7 or 14 values is two loads, one
 * permute, one blend and one store, and planes at most half a vector wide (7 values) take two
 * rows per vector: one load from each source row, the same single permute, blend and store.
 * {@link Kernels#subsampledPlanes} is the scalar twin.
 *
 * <p>Step 1 with planes as wide as the image ({@link #shifted}) needs no permute: the plane is the
 * image shifted, one load, one blend and one store per vector.
 */
final class Subsample {
    private Subsample() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane e of {@code EVEN.selectFrom(v0, v1)} is lane 2e of the pair v0, v1 (v1's lanes numbered L..2L−1). */
    private static final FloatVector EVEN;
    static {
        float[] idx = new float[L];
        for (int e = 0; e < L; e++) idx[e] = 2 * e;
        EVEN = FloatVector.fromArray(S, idx, 0);
    }

    /** See {@link Kernels#subsampledPlanes}, with step 2. */
    static void planes(int count, float[] src, int so, int srcStride, int h, int w, int r0, int c0, int rows, int width,
                       float[] dst, int d, int dstStride) {
        if (count <= 0) return;
        // the plane columns whose source column c0 + 2u lies inside the row, [lo, hi), and the
        // plane rows whose source row r0 + 2ρ lies inside the image, [ra, rb): the same in every plane
        int lo = Math.max(0, Math.ceilDiv(-c0, 2)), hi = Math.max(lo, Math.min(width, Math.ceilDiv(w - c0, 2)));
        int ra = Math.min(rows, Math.max(0, Math.ceilDiv(-r0, 2))), rb = Math.max(ra, Math.min(rows, Math.ceilDiv(h - r0, 2)));
        int lastChunk = (width - 1) / L * L;
        int first = so + (r0 + 2 * ra) * w + c0;        // lane 0's source in the first row, and the last vector's in the last
        int last = first + (count - 1) * srcStride + (rb - 1 - ra) * 2 * w + 2 * lastChunk;
        if (lo >= hi || rb == ra || first < 0 || last + 2 * L > src.length) {
            // planes of zeros, and loads that would leave the array
            for (int i = 0; i < count; i++)
                Kernels.scalarSubsampledPlane(src, so + i * srcStride, h, w, r0, c0, 2, rows, width, dst, d + i * dstStride);
            return;
        }
        if (width > L) {
            wide(count, src, first, srcStride, w, ra, rb, lo, hi, rows, width, dst, d, dstStride);
            return;
        }
        VectorMask<Float> keep = lanes(lo, hi);
        boolean blend = lo > 0 || hi < width;
        FloatVector zero = FloatVector.zero(S);
        // planes at most half a vector wide whose rows each come from one load (2·(width − 1) < L: a
        // 7-wide plane of a 14-wide image): two plane rows per vector, each from its own source row,
        // lanes 0 .. width−1 from the first load's even lanes, width .. 2·width−1 from the second's
        // (the masks from bits: VectorMask.or and not ran as calls here, not as instructions)
        // (EVEN with L − 2·width added from lane width on picks both rows' even lanes)
        boolean pairs = 2 * width <= L && 2 * (width - 1) < L;
        FloatVector pair = pairs ? EVEN.add((float) (L - 2 * width), lanes(width, L)) : EVEN;
        VectorMask<Float> keep2 = pairs ? VectorMask.fromLong(S, VectorKernels.laneBits(lo, hi) | VectorKernels.laneBits(width + lo, width + hi)) : keep;
        for (int i = 0; i < count; i++) {
            int at = d + i * dstStride, end = at + rows * width, s = first + i * srcStride;
            for (int r = 0; r < rows; r++, at += width) {
                if (pairs && r >= ra && r + 1 < rb && at + L <= end) {
                    FloatVector v = pair.selectFrom(FloatVector.fromArray(S, src, s), FloatVector.fromArray(S, src, s + 2 * w));
                    if (blend) v = zero.blend(v, keep2);
                    v.intoArray(dst, at);                       // runs into the row after the pair, which is written after it
                    s += 4 * w;
                    r++;
                    at += width;
                    continue;
                }
                FloatVector v = zero;                           // rows above and below the image
                if (r >= ra && r < rb) {
                    v = EVEN.selectFrom(FloatVector.fromArray(S, src, s), FloatVector.fromArray(S, src, s + L));
                    if (blend) v = zero.blend(v, keep);
                    s += 2 * w;
                }
                if (at + L <= end) v.intoArray(dst, at);        // runs into the plane's next row, which is written after it
                else v.intoArray(dst, at, lanes(0, end - at));
            }
        }
    }

    /**
     * {@link #planes} for the four sets of planes whose source columns start at c0 .. c0 + 3 (a
     * 4×4 stride-2 layer's kernel columns, one row phase), set k at d + k·colStride, for planes
     * whose rows, for all four columns, come from at most two vectors of the source row. Planes at
     * most half a vector wide: each pair of source rows is loaded once for all four columns (two
     * loads, then a permute, a blend and a store per plane, where a call of {@link #planes} per
     * column loads the same rows four times). Wider ones, up to a vector (the 14-wide planes of a
     * 28-wide image): each source row is loaded once, as two vectors, for all four, where the
     * column-by-column route made two columns by a permute per row each and the other two by
     * copying their left neighbours one column over ({@link TapPlanes}, nextColumn; 1→32 4×4/2 on
     * 28×28, one JVM alternating: forward 118.9 → 129.5 GFLOP/s, weight gradient 93.5 → 100.7 on one
     * thread). Returns false, having written nothing, where the planes are wider still, a plane
     * would be all zeros, or a load would leave the array: the caller then goes column by column.
     */
    static boolean fourColumns(int count, float[] src, int so, int srcStride, int h, int w, int r0, int c0, int rows, int width,
                               float[] dst, int d, int dstStride, int colStride) {
        if (count <= 0 || 2 * (width - 1) + 3 >= 2 * L) return false;   // a row's values in two vectors (then width < L)
        boolean narrow = 2 * (width - 1) + 3 < L;         // a row's values in one vector (then also 2·width < L: two rows fit a vector)
        int ra = Math.min(rows, Math.max(0, Math.ceilDiv(-r0, 2))), rb = Math.max(ra, Math.min(rows, Math.ceilDiv(h - r0, 2)));
        int first = so + (r0 + 2 * ra) * w + c0;          // column c0 of the first row inside the image, first image
        int last = first + (count - 1) * srcStride + (rb - 1 - ra) * 2 * w;
        if (rb == ra || first < 0 || last + (narrow ? L : 2 * L) > src.length) return false;
        // per column k: the plane columns [lo, hi) whose source column c0 + k + 2u lies in the row,
        // as lane bits (none: an all-zero plane, left to the column-by-column route)
        long k0 = inside(c0, width, w), k1 = inside(c0 + 1, width, w), k2 = inside(c0 + 2, width, w), k3 = inside(c0 + 3, width, w);
        if (k0 == 0 || k1 == 0 || k2 == 0 || k3 == 0) return false;
        // the index vectors: column k's values are lanes 2u + k of a row's load (and, two rows a
        // vector, from lane width on lanes 2u + k of the second load, L further; indices wrap at 2L);
        // held in locals with the masks, so that they stay in registers
        FloatVector pair = EVEN.add((float) (L - 2 * width), lanes(width, L));
        FloatVector p0 = pair, p1 = pair.add(1f), p2 = pair.add(2f), p3 = pair.add(3f);
        FloatVector o0 = EVEN, o1 = EVEN.add(1f), o2 = EVEN.add(2f), o3 = EVEN.add(3f);
        VectorMask<Float> m0 = VectorMask.fromLong(S, k0 | k0 << width), m1 = VectorMask.fromLong(S, k1 | k1 << width);
        VectorMask<Float> m2 = VectorMask.fromLong(S, k2 | k2 << width), m3 = VectorMask.fromLong(S, k3 | k3 << width);
        VectorMask<Float> n0 = VectorMask.fromLong(S, k0), n1 = VectorMask.fromLong(S, k1);
        VectorMask<Float> n2 = VectorMask.fromLong(S, k2), n3 = VectorMask.fromLong(S, k3);
        FloatVector zero = FloatVector.zero(S);
        int c1 = colStride, c2 = 2 * colStride, c3 = 3 * colStride;
        for (int i = 0; i < count; i++) {
            int at = d + i * dstStride, end = at + rows * width, s = first + i * srcStride;
            for (int r = 0; r < rows; r++, at += width) {
                if (narrow && r >= ra && r + 1 < rb && at + L <= end) {
                    // plane rows r and r + 1 in one vector, from source rows 2·w apart; the
                    // lanes past them run into the next plane row, written after
                    FloatVector a = FloatVector.fromArray(S, src, s), b = FloatVector.fromArray(S, src, s + 2 * w);
                    zero.blend(p0.selectFrom(a, b), m0).intoArray(dst, at);
                    zero.blend(p1.selectFrom(a, b), m1).intoArray(dst, at + c1);
                    zero.blend(p2.selectFrom(a, b), m2).intoArray(dst, at + c2);
                    zero.blend(p3.selectFrom(a, b), m3).intoArray(dst, at + c3);
                    s += 4 * w;
                    r++;
                    at += width;
                    continue;
                }
                FloatVector v0 = zero, v1 = zero, v2 = zero, v3 = zero;       // rows above and below the image
                if (r >= ra && r < rb) {
                    // one plane row a vector: lanes 2u + k of the source row, one vector or two
                    FloatVector a = FloatVector.fromArray(S, src, s), b = narrow ? a : FloatVector.fromArray(S, src, s + L);
                    v0 = zero.blend(o0.selectFrom(a, b), n0);
                    v1 = zero.blend(o1.selectFrom(a, b), n1);
                    v2 = zero.blend(o2.selectFrom(a, b), n2);
                    v3 = zero.blend(o3.selectFrom(a, b), n3);
                    s += 2 * w;
                }
                if (at + L <= end) {
                    v0.intoArray(dst, at);
                    v1.intoArray(dst, at + c1);
                    v2.intoArray(dst, at + c2);
                    v3.intoArray(dst, at + c3);
                } else {
                    VectorMask<Float> tail = lanes(0, end - at);
                    v0.intoArray(dst, at, tail);
                    v1.intoArray(dst, at + c1, tail);
                    v2.intoArray(dst, at + c2, tail);
                    v3.intoArray(dst, at + c3, tail);
                }
            }
        }
        return true;
    }

    /** The lanes u &lt; width of a plane whose source column c + 2u lies in a row of w, as bits. */
    private static long inside(int c, int width, int w) {
        int lo = Math.max(0, Math.ceilDiv(-c, 2)), hi = Math.max(lo, Math.min(width, Math.ceilDiv(w - c, 2)));
        return VectorKernels.laneBits(lo, hi);
    }

    /**
     * Planes wider than a vector (a stride-2 layer on images wider than 2L): each row in vectors,
     * rows in order and a row's vectors left to right, so that a vector's run past the row's end is
     * overwritten by the next row. first: lane 0's source in row ra of the first plane. The
     * one-vector loop in {@link #planes} stays apart from this one: with its mask hoisted out of
     * the rows and the rows outside the image stored as zero vectors, it filled the 32→64 layer's
     * planes in 4.5-4.8 µs per image, against 5.4 for a loop of this one's shape (mask per vector,
     * zero rows by fill).
     */
    private static void wide(int count, float[] src, int first, int srcStride, int w, int ra, int rb, int lo, int hi, int rows,
                             int width, float[] dst, int d, int dstStride) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < count; i++) {
            int at = d + i * dstStride, end = at + rows * width;
            java.util.Arrays.fill(dst, at, at + ra * width, 0f);
            for (int r = ra, s = first + i * srcStride, o = at + ra * width; r < rb; r++, s += 2 * w, o += width)
                for (int u0 = 0; u0 < width; u0 += L) {
                    FloatVector v = EVEN.selectFrom(FloatVector.fromArray(S, src, s + 2 * u0), FloatVector.fromArray(S, src, s + 2 * u0 + L));
                    v = zero.blend(v, lanes(lo - u0, hi - u0));
                    if (o + u0 + L <= end) v.intoArray(dst, o + u0);
                    else v.intoArray(dst, o + u0, lanes(0, end - o - u0));
                }
            java.util.Arrays.fill(dst, at + rb * width, end, 0f);
        }
    }

    /** Per thread: the lane masks of {@link #shifted}'s vectors, one long of bits per vector of a plane. */
    private static final ThreadLocal<long[]> KEEP = ThreadLocal.withInitial(() -> new long[64]);

    /**
     * See {@link Kernels#subsampledPlanes}, with step 1 and planes as wide as the image (width = w,
     * every "same" layer and every backward-input pass by phases). Such a plane is the image shifted
     * by r0 rows and c0 columns: its value i is the source's value i + r0·w + c0, unless that pixel
     * lies outside the image (rows above or below it, or a column that wrapped in from the next or
     * the previous row). Which of a plane's values those are is the same for every plane, so it is
     * worked out once, as one lane mask per vector; each plane is then one load, one blend with
     * zero and one store per 16 values (the last store masked at the plane's end), where the copy
     * it replaced (one arraycopy, then two fills and a loop per row zeroing the wrapped columns)
     * cost about as much per 7×7 plane as per 14×14 one. Measured on 3 images × 96 planes (one
     * thread): the masks made lane by lane with a division each, then a masked load per vector,
     * 9.6 µs (14×14) and 3.1 µs (7×7); masks row by row, each vector's mask made once for all the
     * channels, a plain load and a blend: 8.2 and 1.9 µs.
     *
     * <p>The channels are the outer loop, each plane read and written front to back, although each
     * vector's mask is then made again per channel (from its long of bits: one register move). With
     * the vectors outer, every channel's source was one of 32 or 64 streams advancing a vector at a
     * time, each only 12 cache lines long (too many and too short, it seems, for the hardware
     * prefetchers): in a loop that keeps its planes in cache those 8.2 µs were right, but the weight
     * gradient of a 3×3 32→64 layer ran 7-18% slower per image over 128 images than over 8. Measured
     * (one JVM alternating the two orders, ten rounds of 0.4 s, best call per round, 128 images,
     * 32→64 channels on 14×14, 3×3), one thread: forward 159.5 → 164.0 GFLOP/s (medians), weight
     * gradient 155.9 → 163.4, backward-input 125.0 → 130.2; two threads 293 → 310, 308 → 320, 247 →
     * 262; the 4×4/2 backward-input pass (7×7 planes) level, 118.5 → 118.3.
     */
    static void shifted(int count, float[] src, int so, int srcStride, int h, int w, int r0, int c0, int rows,
                        float[] dst, int d, int dstStride) {
        int n = rows * w, vectors = (n + L - 1) / L;
        if (count <= 0 || n == 0) return;
        long[] keep = KEEP.get();
        if (keep.length < vectors) KEEP.set(keep = new long[vectors]);
        // bit i of the plane is set when its source (row r0 + i / w, column c0 + i % w) lies in the
        // image: the same columns [lo, hi) of every row inside it (row by row, no division per value:
        // a division per lane was a third of this method's time on 14×14 planes)
        java.util.Arrays.fill(keep, 0, vectors, 0L);
        int lo = Math.max(0, -c0), hi = Math.min(w, w - c0);
        for (int r = Math.max(0, -r0), rEnd = Math.min(rows, h - r0); r < rEnd; r++)
            for (int i = r * w + lo, e = r * w + hi; i < e; i++) keep[i / L] |= 1L << (i % L);
        VectorMask<Float> end = lanes(0, n - (vectors - 1) * L);
        int shift = r0 * w + c0, last = (vectors - 1) * L;
        FloatVector zero = FloatVector.zero(S);
        int s0 = so + shift;
        if (s0 >= 0 && s0 + (count - 1) * srcStride + last + L <= src.length) {
            // every vector inside the array: plain loads, the lanes outside the image zeroed by a
            // blend; channel after channel, each read front to back (see above for why not vectors outer)
            for (int i = 0, s = s0, t = d; i < count; i++, s += srcStride, t += dstStride) {
                for (int o = 0, v = 0; o < last; o += L, v++)
                    zero.blend(FloatVector.fromArray(S, src, s + o), VectorMask.fromLong(S, keep[v])).intoArray(dst, t + o);
                zero.blend(FloatVector.fromArray(S, src, s + last), VectorMask.fromLong(S, keep[vectors - 1])).intoArray(dst, t + last, end);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            int s = so + i * srcStride + shift, t = d + i * dstStride;
            for (int o = 0, v = 0; o < last; o += L, v++)
                FloatVector.fromArray(S, src, s + o, VectorMask.fromLong(S, keep[v])).intoArray(dst, t + o);
            FloatVector.fromArray(S, src, s + last, VectorMask.fromLong(S, keep[vectors - 1])).intoArray(dst, t + last, end);
        }
    }

    /** The mask of lanes a .. b−1, clipped to 0 .. L (no lane when b ≤ a). */
    private static VectorMask<Float> lanes(int a, int b) {
        return VectorMask.fromLong(S, VectorKernels.laneBits(a, b));
    }
}
