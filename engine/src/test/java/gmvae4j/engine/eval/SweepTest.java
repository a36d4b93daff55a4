package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SweepTest {

    /** Records what it was given; predicts the true label of the first half of eval, else wrong. */
    static final class Recorder implements Sweep.Method {
        final String name;
        final int[] truth;
        final List<String> seen = new ArrayList<>();
        Recorder(String name, int[] truth) { this.name = name; this.truth = truth; }
        @Override public String name() { return name; }
        @Override public int[] predict(int[] labeled, int[] labels, int[] eval) {
            for (int i = 0; i < labeled.length; i++) assertEquals(truth[labeled[i]], labels[i]);
            Set<Integer> l = new HashSet<>();
            for (int i : labeled) l.add(i);
            for (int i : eval) assertFalse(l.contains(i), "labeled points are never evaluated");
            seen.add(java.util.Arrays.toString(labeled) + "/" + eval.length);
            int[] p = new int[eval.length];
            for (int i = 0; i < p.length; i++) p[i] = i < p.length / 2 ? truth[eval[i]] : truth[eval[i]] + 1;
            return p;
        }
    }

    @Test void transductiveDrawsFromThePoolAndEvaluatesTheRest() throws Exception {
        int[] truth = new int[1000];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 7;
        Recorder a = new Recorder("a", truth), b = new Recorder("b", truth);
        Sweep.Result r = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 800, new double[] {1e-4, 0.01, 0.5}, 3, List.of(a, b), null);
        assertArrayEquals(new int[] {1, 10, 500}, r.n());
        assertEquals(a.seen, b.seen, "every method sees the same draws");
        assertEquals(9, a.seen.size());
        assertTrue(a.seen.get(1).endsWith("/990"));
        assertEquals(0.5, r.method("a").stats()[1].mean(), 1e-12);
        assertEquals(0, r.method("a").stats()[1].ci95(), 1e-12);
    }

    @Test void inductiveDrawsFromTrainAndEvaluatesTest() throws Exception {
        int[] truth = new int[1000];
        Sweep.Method m = new Sweep.Method() {
            @Override public String name() { return "m"; }
            @Override public int[] predict(int[] labeled, int[] labels, int[] eval) {
                for (int i : labeled) assertTrue(i < 800);
                assertEquals(200, eval.length);
                for (int i : eval) assertTrue(i >= 800);
                return new int[eval.length];
            }
        };
        Sweep.Result r = Sweep.run(Sweep.Protocol.INDUCTIVE, truth, 800, new double[] {0.01, 0.1}, 2, List.of(m), null);
        assertArrayEquals(new int[] {8, 80}, r.n());
        assertEquals(1.0, r.method("m").stats()[0].mean());
    }

    @Test void skippedMethodsRecordNaNAndAReason() throws Exception {
        int[] truth = new int[100];
        Sweep.Method m = new Sweep.Method() {
            @Override public String name() { return "capped"; }
            @Override public String skipReason(int n) { return n > 10 ? "over the cap" : null; }
            @Override public int[] predict(int[] labeled, int[] labels, int[] eval) { return new int[eval.length]; }
        };
        Sweep.Result r = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 100, new double[] {0.05, 0.5}, 2, List.of(m), null);
        assertEquals(1.0, r.method("capped").stats()[0].mean());
        assertTrue(Double.isNaN(r.method("capped").stats()[1].mean()));
        assertEquals(List.of("n=50: over the cap"), r.method("capped").notes());
    }

    @Test void drawsAreNestedUniformAndSeeded() {
        int[] a = LabelDraw.draw(0.1, 500, 3), b = LabelDraw.draw(0.2, 500, 3);
        assertEquals(50, a.length);
        assertArrayEquals(a, java.util.Arrays.copyOf(b, 50));
        assertArrayEquals(a, LabelDraw.draw(0.1, 500, 3));
        assertFalse(java.util.Arrays.equals(a, LabelDraw.draw(0.1, 500, 4)));
        assertEquals(1, LabelDraw.size(5e-5, 1000), "at least one label");
        assertEquals(7, LabelDraw.size(5e-5, 145_600));
        // uniform: every item drawn about equally often over many seeds
        int[] hits = new int[20];
        for (int s = 0; s < 4000; s++) for (int i : LabelDraw.draw(0.25, 20, s)) hits[i]++;
        for (int h : hits) assertEquals(1000, h, 120);
    }

    @Test void decoderMethodFitsOnLabelsAndDecodes() throws Exception {
        int[] truth = {2, 2, 1, 1, 2, 1, 1};
        Sweep.Method m = Sweep.decoderMethod(new HardDecoder(), DecodersTest.Q, 3, 3);
        int[] p = m.predict(DecodersTest.LABELED, DecodersTest.LABELS, new int[] {4, 5, 6});
        assertArrayEquals(new int[] {2, 1, 0}, p);
    }
}
