package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector backend's {@link Kernels#phasePlanes} for stride 2: a stride-2 pass's four phases (its even and
 * odd rows and columns, computed apart) put back into the planes they came from, each row of a
 * plane one vector: the even and odd columns' values zipped by one two-source permute
 * ({@code selectFrom}: AVX-512's vpermt2ps), where a scalar loop moved them one at a time.
 *
 * <p>Why the rows are stored whole: a row of 14 is one vector with two lanes to spare. Added to
 * the plane under a mask (masked load, add, masked store), each row's load met the previous row's
 * masked store in the same 64 bytes, which does not forward to it, and waited for it to leave the
 * store buffer. So rows are stored whole, in order, each one's spare lanes overwritten by the
 * next, to the plane itself (overwrite) or to a scratch plane that is then added to it a whole
 * vector at a time (accumulate); only stores that would leave the plane take a mask. Measured,
 * adding back a group of 11 images × 32 channels of 14×14 (one thread, best call of 0.3 s,
 * medians of five rounds): the scalar loop 38.4 µs, rows under masks 30.5, whole rows 18.6. Tried
 * and slower, 22.2 µs: no scratch plane, each row appended to the values pending from the rows
 * before by two more permutes and every full vector added to the plane at once (each row's
 * permutes wait on the last row's).
 */
final class PhaseRows {
    private PhaseRows() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Lane e of {@code ZIP_LO.selectFrom(a, b)} is a[e/2] for even e, b[e/2] for odd e; ZIP_HI the same from lane L/2 on. */
    static final FloatVector ZIP_LO, ZIP_HI;
    static {
        float[] lo = new float[L], hi = new float[L];
        for (int e = 0; e < L; e++) {
            lo[e] = (e % 2 == 0 ? 0 : L) + e / 2;
            hi[e] = lo[e] + L / 2;
        }
        ZIP_LO = FloatVector.fromArray(S, lo, 0);
        ZIP_HI = FloatVector.fromArray(S, hi, 0);
    }

    /** True for planes this class takes: a row in one vector. */
    static boolean fits(int w) { return w >= 1 && w <= L; }

    /** Per thread: one plane of zipped rows (accumulate), with a vector to spare. */
    private static final ThreadLocal<float[][]> PLANE = ThreadLocal.withInitial(() -> new float[1][0]);

    /** This thread's plane of at least n floats; contents undefined. */
    private static float[] scratchPlane(int n) {
        float[][] holder = PLANE.get();
        if (holder[0].length < n) holder[0] = new float[n];
        return holder[0];
    }

    /** {@link Kernels#phasePlanes} at stride 2 for rows of at most one vector ({@link #fits}). */
    static void planes(int count, int h, int w, float[] src, int srcOff, int phaseStride, int srcPlane, int srcRow,
                       float[] add, int addOff, boolean overwrite, float[] dst, int dstOff, int dstPlane) {
        int n = h * w;
        // the loads of the last row of each phase read L values from its start: inside src?
        int lastLoad = srcOff + 3 * phaseStride + (count - 1) * srcPlane + ((h - 1) >> 1) * srcRow + L;
        if (lastLoad > src.length) {
            Kernels.scalarPhasePlanes(2, count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, addOff, overwrite, dst, dstOff, dstPlane);
            return;
        }
        float[] tmp = overwrite ? null : scratchPlane(n + L);      // only the accumulating route needs it
        for (int i = 0; i < count; i++) {
            int s = srcOff + i * srcPlane, d = dstOff + i * dstPlane;
            // the rows, zipped, to the plane itself (overwrite, with the bias) or to the scratch plane
            float[] to = overwrite ? dst : tmp;
            int at0 = overwrite ? d : 0;
            FloatVector bias = overwrite ? FloatVector.broadcast(S, add == null ? 0f : add[addOff + i]) : null;
            for (int y = 0, at = 0; y < h; y++, at += w) {
                int ev = s + (y & 1) * 2 * phaseStride + (y >> 1) * srcRow;
                FloatVector v = ZIP_LO.selectFrom(FloatVector.fromArray(S, src, ev), FloatVector.fromArray(S, src, ev + phaseStride));
                if (overwrite) v = v.add(bias);
                if (at + L <= n) v.intoArray(to, at0 + at);
                else v.intoArray(to, at0 + at, S.indexInRange(at, n));
            }
            if (overwrite) continue;
            int q = 0;
            for (int e = S.loopBound(n); q < e; q += L)
                FloatVector.fromArray(S, dst, d + q).add(FloatVector.fromArray(S, tmp, q)).intoArray(dst, d + q);
            if (q < n) {
                VectorMask<Float> m = S.indexInRange(q, n);
                FloatVector.fromArray(S, dst, d + q, m).add(FloatVector.fromArray(S, tmp, q)).intoArray(dst, d + q, m);
            }
        }
    }
}
