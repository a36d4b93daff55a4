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
        assertTrue(a.seen.get(0).endsWith("/999") && a.seen.get(3).endsWith("/990"), "fraction by fraction, every draw of one first");
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

    /** Right on the first min(1, n/scale) share of the points it predicts: accuracy grows with the labels. */
    static Sweep.Method ramp(String name, int[] truth, double scale, boolean stops, List<Integer> ranAt) {
        return ramp(name, truth, scale, stops, ranAt, false);
    }

    static Sweep.Method ramp(String name, int[] truth, double scale, boolean stops, List<Integer> ranAt, boolean oneCore) {
        return new Sweep.Method() {
            @Override public String name() { return name; }
            @Override public boolean stopsOncePast() { return stops; }
            @Override public boolean oneCore(int n) { return oneCore; }
            @Override public int[] predict(int[] labeled, int[] labels, int[] eval) {
                synchronized (ranAt) { ranAt.add(labeled.length); }
                int right = (int) Math.round(eval.length * Math.min(1, labeled.length / scale));
                int[] p = new int[eval.length];
                for (int i = 0; i < p.length; i++) p[i] = i < right ? truth[eval[i]] : truth[eval[i]] + 1;
                return p;
            }
        };
    }

    @Test void stoppingMethodsStopAtTheFirstFractionPastTheReference() throws Exception {
        int[] truth = new int[1000];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 7;
        double[] f = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32};               // n = 10, 20, 40, 80, 160, 320
        List<Integer> crossing = new ArrayList<>(), never = new ArrayList<>(), early = new ArrayList<>(), decoder = new ArrayList<>();
        List<Sweep.Method> methods = List.of(new Recorder("ref", truth),   // 50% at every fraction
                ramp("crossing", truth, 100, true, crossing),               // 10, 20, 40, 80% ...: reaches 50% at n=80
                ramp("never", truth, 1000, true, never),                    // at most 32%: runs to the end
                ramp("early", truth, 10, true, early),                      // 100% already at n=10
                ramp("decoder", truth, 100, false, decoder));               // does not stop
        Sweep.Result r = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 1000, f, 2, methods, null,
                new Sweep.Reach("ref", 0.02));
        assertEquals(List.of(10, 10, 20, 20, 40, 40, 80, 80), crossing, "measured up to the first point past 50%, that one included");
        assertEquals(12, never.size());
        assertEquals(List.of(10, 10, 20, 20), early, "nothing stops before the reference's target is measured");
        assertEquals(12, decoder.size());
        Sweep.MethodResult c = r.method("crossing");
        assertTrue(Double.isNaN(c.stats()[4].mean()) && Double.isNaN(c.stats()[5].mean()));
        assertEquals(0.8, c.stats()[3].mean(), 1e-3);
        assertTrue(c.notes().get(0).startsWith("n=160: not run: already at 80.0% with 80 labels, past ref's 50.0% with 20"), c.notes().toString());
        LabelEfficiency.Need need = LabelEfficiency.need(f, c.means(), 0.5);
        assertEquals(LabelEfficiency.Bound.EXACT, need.bound());
        assertEquals(LabelEfficiency.Bound.MORE_THAN, LabelEfficiency.need(f, r.method("never").means(), 0.5).bound());
    }

    @Test void aboveTheTargetStoppingMethodsRunOnlyTheFirstDraws() throws Exception {
        int[] truth = new int[1000];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 7;
        double[] f = {0.01, 0.02, 0.04, 0.08};                              // n = 10, 20, 40, 80
        List<Integer> baseline = new ArrayList<>(), decoder = new ArrayList<>();
        Sweep.Result r = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 1000, f, 3,
                List.of(new Recorder("ref", truth), ramp("b", truth, 1000, true, baseline), ramp("d", truth, 1000, false, decoder)),
                null, new Sweep.Reach("ref", 0.02, 1));
        assertEquals(List.of(10, 10, 10, 20, 20, 20, 40, 80), baseline, "every draw up to the target, the first one above it");
        assertEquals(12, decoder.size());
        Stats above = r.method("b").stats()[2];
        assertEquals(1, above.n());
        assertEquals(0.04, above.mean(), 1e-3);
        assertTrue(r.method("b").notes().contains("n=40: draw 1 of 3 only, above the target's 20 labels"), r.method("b").notes().toString());
        assertThrows(IllegalArgumentException.class, () -> new Sweep.Reach("ref", 0.02, -1));
    }

    @Test void withoutAReachOrWithUnorderedFractionsEverythingRuns() throws Exception {
        int[] truth = new int[1000];
        List<Integer> ran = new ArrayList<>();
        List<Sweep.Method> methods = List.of(new Recorder("ref", truth), ramp("r", truth, 10, true, ran));
        Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 1000, new double[] {0.01, 0.04, 0.02}, 1, methods, null,
                new Sweep.Reach("ref", 0.01));
        assertEquals(List.of(10, 40, 20), ran);
        ran.clear();
        Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 1000, new double[] {0.01, 0.02}, 1, methods, null);
        assertEquals(List.of(10, 20), ran);
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

    /**
     * A method whose fits use one core runs a fraction's draws side by side on other threads,
     * and gives what it gives one draw after another: the seed each call gets is fixed when the
     * sweep prepares it, in the sweep's order, though the fits finish in another order.
     */
    @Test void oneCoreDrawsRunSideBySideWithTheResultsOfOneAfterAnother() throws Exception {
        int[] truth = new int[600];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 5;
        Seeded side = new Seeded(truth, true), inline = new Seeded(truth, false);
        double[] fractions = {0.01, 0.05, 0.2};
        Sweep.Result a = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 600, fractions, 4, List.of(side), null);
        Sweep.Result b = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 600, fractions, 4, List.of(inline), null);
        for (int f = 0; f < fractions.length; f++) assertArrayEquals(b.method("seeded").acc()[f], a.method("seeded").acc()[f]);
        assertTrue(side.threads.stream().allMatch(t -> t.startsWith("gmvae-sweep-side")), side.threads.toString());
        assertTrue(side.threads.size() >= 1 && !side.finishOrder.equals(java.util.stream.IntStream.range(0, 12).boxed().toList()),
                "the fits finished out of order (later seeds sleep less): " + side.finishOrder);
        assertTrue(inline.threads.stream().noneMatch(t -> t.startsWith("gmvae-sweep-side")));
    }

    /**
     * One-core methods run a fraction ahead (their fits for the next fraction start before this
     * one's are collected), and a stopping one-core method reads exactly what it reads when
     * everything runs on the sweep's thread: the same accuracies, the same "not run" notes; the
     * fits it started ahead of its stop are dropped.
     */
    @Test void oneCoreStoppingMethodsGiveWhatTheyGiveInline() throws Exception {
        int[] truth = new int[1000];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 7;
        double[] f = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32};
        Sweep.Result[] r = new Sweep.Result[2];
        List<Integer> crossingSide = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            boolean side = k == 0;
            List<Sweep.Method> methods = List.of(new Recorder("ref", truth),
                    ramp("crossing", truth, 100, true, side ? crossingSide : new ArrayList<>(), side),
                    ramp("never", truth, 1000, true, new ArrayList<>(), side),
                    ramp("early", truth, 10, true, new ArrayList<>(), side));
            r[k] = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 1000, f, 2, methods, null, new Sweep.Reach("ref", 0.02, 1));
        }
        for (String m : List.of("crossing", "never", "early")) {
            for (int i = 0; i < f.length; i++) assertArrayEquals(r[1].method(m).acc()[i], r[0].method(m).acc()[i], m + " at " + f[i]);
            assertEquals(r[1].method(m).notes(), r[0].method(m).notes(), m);
        }
        assertTrue(Double.isNaN(r[0].method("crossing").stats()[4].mean()));
        assertTrue(crossingSide.containsAll(List.of(10, 20, 40, 80)), crossingSide.toString());
    }

    /**
     * The next fraction's one-core fit starts while this fraction's is still running: fraction
     * 0's fit waits (at most 10 s) for fraction 1's to begin, which it cannot if fits are only
     * handed out fraction by fraction.
     */
    @Test void oneCoreFitsRunAFractionAhead() throws Exception {
        int[] truth = new int[400];
        for (int i = 0; i < truth.length; i++) truth[i] = i % 4;
        java.util.concurrent.CountDownLatch secondStarted = new java.util.concurrent.CountDownLatch(1);
        boolean[] overlapped = new boolean[1];
        Sweep.Method m = new Sweep.Method() {
            @Override public String name() { return "ahead"; }
            @Override public boolean oneCore(int n) { return true; }
            @Override public int[] predict(int[] labeled, int[] labels, int[] eval) throws Exception {
                if (labeled.length == 4) overlapped[0] = secondStarted.await(10, java.util.concurrent.TimeUnit.SECONDS);
                else secondStarted.countDown();
                int[] p = new int[eval.length];
                for (int i = 0; i < p.length; i++) p[i] = truth[eval[i]];
                return p;
            }
        };
        Sweep.Result r = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 400, new double[] {0.01, 0.02}, 1, List.of(m), null);
        assertTrue(overlapped[0], "fraction 1's fit had not started while fraction 0's ran");
        assertEquals(1.0, r.method("ahead").stats()[0].mean(), 0);
        assertEquals(1.0, r.method("ahead").stats()[1].mean(), 0);
    }

    /** Predicts right on a share of eval that depends on its seed (the count of calls prepared before). */
    static final class Seeded implements Sweep.Method {
        final int[] truth;
        final boolean oneCore;
        int prepared;
        final Set<String> threads = java.util.Collections.synchronizedSet(new HashSet<>());
        final List<Integer> finishOrder = java.util.Collections.synchronizedList(new ArrayList<>());
        Seeded(int[] truth, boolean oneCore) { this.truth = truth; this.oneCore = oneCore; }
        @Override public String name() { return "seeded"; }
        @Override public boolean oneCore(int n) { return oneCore; }
        @Override public int[] predict(int[] labeled, int[] labels, int[] eval) throws Exception { return prepare(labeled, labels, eval).call(); }
        @Override public java.util.concurrent.Callable<int[]> prepare(int[] labeled, int[] labels, int[] eval) {
            int seed = prepared++;
            return () -> {
                threads.add(Thread.currentThread().getName());
                Thread.sleep(oneCore ? 5L * (4 - seed % 4) : 0);
                int[] p = new int[eval.length];
                for (int i = 0; i < p.length; i++) p[i] = i % 12 <= seed ? truth[eval[i]] : -1;
                finishOrder.add(seed);
                return p;
            };
        }
    }
}
