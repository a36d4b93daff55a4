package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PackedB}: products reading a B that they pack together give the bits of {@link Sgemm}
 * packing for itself, alone or side by side on two threads, and a new generation packs B's new
 * values.
 */
class PackedBTest {

    static final VectorKernels ONE = SgemmTest.ONE, TWO = SgemmTest.TWO;

    static float[] run(Kernels k, SgemmTest.Problem p, PackedB pb) {
        float[] out = p.c().clone();
        k.sgemmPacked(p.ta(), p.m(), p.n(), p.k(), p.alpha(), p.a(), p.aOff(), p.lda(), pb, p.beta(), out, p.cOff(), p.ldc());
        return out;
    }

    static PackedB packed(Kernels k, SgemmTest.Problem p) {
        return k.packedB(p.tb(), p.k(), p.n(), p.b(), p.bOff(), p.ldb());
    }

    /**
     * Every form, odd sizes around the piece and block edges (n 1 .. 1100: two column blocks;
     * k 33 .. 1040: two and three k blocks), alpha and beta: the bits of sgemm, on one thread and on two (where the
     * product runs on both threads and packs for itself), and within the double oracle. A piece
     * packed at the wrong place, a last piece cut short, or a k block's pieces mixed up fail.
     */
    @Test
    void aPackedProductGivesTheBitsOfSgemm() {
        Random r = new Random(5);
        int[] ms = {1, 7, 64, 129}, ns = {1, 17, 100, 129, 257, 784, 1100}, ks = {33, 100, 513, 1040};
        float[][] ab = {{1f, 0f}, {1f, 1f}, {0.5f, 0.25f}};
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true})
                for (int m : ms)
                    for (int n : ns)
                        for (int k : ks) {
                            float[] s = ab[r.nextInt(ab.length)];
                            SgemmTest.Problem p = SgemmTest.Problem.random(r, ta, tb, m, n, k, s[0], s[1]);
                            PackedB pb = packed(ONE, p);
                            assertNotNull(pb, p.toString());
                            float[] want = p.run(ONE), got = run(ONE, p, pb);
                            assertArrayEquals(want, got, "one thread: " + p);
                            assertArrayEquals(want, run(TWO, p, pb), "two threads: " + p);
                            if (m * n * k < 3_000_000) p.check(got, "packed");
                        }
    }

    /**
     * Two products with their own A and C and one B, side by side on two threads, each packing
     * the pieces it claims and reading the others': each gives sgemm's bits. 300 generations, B
     * changed before each (the products then read the new values), so the claims race often.
     */
    @Test
    void productsSideBySideShareThePacking() {
        Random r = new Random(8);
        for (int form = 0; form < 3; form++) {
            boolean tb = form == 1;     // W, Wᵀ, and a B wider than a column block (the conv model's 512 → 3136)
            int n = form == 0 ? 512 : form == 1 ? 784 : 3136, k = form == 1 ? 512 : form == 0 ? 784 : 512;
            SgemmTest.Problem[] ps = {SgemmTest.Problem.random(r, false, tb, 64, n, k, 1f, 0f), null};
            SgemmTest.Problem q = SgemmTest.Problem.random(r, false, tb, 64, n, k, 1f, 1f);
            ps[1] = new SgemmTest.Problem(q.ta(), q.tb(), q.m(), q.n(), q.k(), q.alpha(), q.beta(), q.a(), q.aOff(), q.lda(),
                    ps[0].b(), ps[0].bOff(), ps[0].ldb(), q.c(), q.cOff(), q.ldc());
            PackedB pb = packed(TWO, ps[0]);
            float[][] got = new float[2][];
            for (int gen = 0; gen < 300; gen++) {
                float[] b = ps[0].b();
                for (int i = 0; i < 50; i++) b[r.nextInt(b.length)] = (float) r.nextGaussian();
                pb.nextGeneration();
                TWO.parallelFor(2, s -> got[s] = run(TWO, ps[s], pb));
                for (int s = 0; s < 2; s++) assertArrayEquals(ps[s].run(ONE), got[s], "generation " + gen + ", product " + s + ": " + ps[s]);
            }
        }
    }

    /**
     * The panels hold B's values from when they were packed: after B changes, a product reads the
     * old values until {@link PackedB#nextGeneration}, and then the new ones. A generation that
     * packed nothing again would fail the second half, one that is not kept the first.
     */
    @Test
    void aNewGenerationPacksTheNewValues() {
        Random r = new Random(2);
        SgemmTest.Problem p = SgemmTest.Problem.random(r, false, true, 20, 300, 200, 1f, 0f);
        PackedB pb = packed(ONE, p);
        float[] before = run(ONE, p, pb);
        assertArrayEquals(p.run(ONE), before);
        for (int i = 0; i < p.b().length; i++) p.b()[i] *= 2f;
        assertArrayEquals(before, run(ONE, p, pb), "the same generation reads the panels packed before");
        pb.nextGeneration();
        float[] after = run(ONE, p, pb);
        assertArrayEquals(p.run(ONE), after, "a new generation packs the new values");
        for (int i = 0; i < after.length; i++) assertTrue(after[i] == before[i] * 2f || after[i] == p.c()[i]);
    }

    /**
     * Which B is shared: none on the scalar twin (its products read B itself) or where sgemm reads
     * B in place (untransposed, k ≤ 32); any width; a product of another size is refused.
     */
    @Test
    void whatIsShared() {
        float[] b = new float[1000 * 1100];
        assertNull(SgemmTest.SCALAR.packedB(false, 100, 100, b, 0, 100));
        assertNull(ONE.packedB(false, 32, 100, b, 0, 100), "read in place");
        assertNotNull(ONE.packedB(true, 32, 100, b, 0, 32), "a transposed B is packed at any depth");
        assertNotNull(ONE.packedB(false, 33, 100, b, 0, 100));
        assertNotNull(ONE.packedB(false, 100, Sgemm.NC + 1, b, 0, Sgemm.NC + 1), "more than one column block");
        PackedB pb = ONE.packedB(false, 100, 100, b, 0, 100);
        assertTrue(pb.isOf(false, 100, 100, b, 0, 100));
        float[] c = new float[100 * 100];
        assertThrows(IllegalArgumentException.class, () -> ONE.sgemmPacked(false, 10, 100, 99, 1f, b, 0, 99, pb, 0f, c, 0, 100));
        // the scalar twin's default reads B itself: the scalar sgemm's bits
        Random r = new Random(4);
        SgemmTest.Problem p = SgemmTest.Problem.random(r, true, false, 9, 70, 50, 1f, 1f);
        assertArrayEquals(p.run(SgemmTest.SCALAR), run(SgemmTest.SCALAR, p, packed(ONE, p)));
    }
}
