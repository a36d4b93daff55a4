package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Explanation's fields and its whole text on hand-made posteriors, every number worked out by hand. */
class ExplanationTextTest {
    static final List<String> NAMES = List.of("a", "b", "c");

    /**
     * Four clusters, three classes. Labeled rows (argmax cluster in brackets):
     * 'a' (.55,0,0,.45) twice [0]; 'b' (.4,.3,.3,0) [0], (0,.1,.9,0) [2], (.1,.8,.1,0) [1]; 'c' (0,.9,.1,0) [1].
     * Counts: cluster 0 = a2 b1, cluster 1 = b1 c1, cluster 2 = b1, cluster 3 none.
     * Profiles: m(a) = (.55,0,0,.45), m(b) = (.5,1.2,1.3,0)/3, m(c) = (0,.9,.1,0).
     * The image (row 6) q = (.4,.31,.29,0): hard → cluster 0 → 'a' with 2 of 3 labels;
     * soft dot: a = .22, b = (.2 + .372 + .377)/3 = .316333, c = .279 + .029 = .308 → 'b'.
     */
    static final float[] Q = {
            .55f, 0f, 0f, .45f,
            .55f, 0f, 0f, .45f,
            .4f, .3f, .3f, 0f,
            0f, .1f, .9f, 0f,
            .1f, .8f, .1f, 0f,
            0f, .9f, .1f, 0f,
            .4f, .31f, .29f, 0f};
    static final LabelMap MAP = LabelMap.fit(Q, 4, new int[] {0, 1, 2, 3, 4, 5}, new int[] {0, 0, 1, 1, 1, 2}, 3);

    static String unix(String s) { return s.replace(System.lineSeparator(), "\n"); }

    @Test void fieldsOfAReachedDisagreement() {
        Explanation e = Explanation.of(MAP, Q, 6, 3);
        assertEquals(6, e.index());
        assertEquals(0, e.hardCluster());
        assertTrue(e.hardReached());
        assertEquals(0, e.hardLabel());
        assertEquals(2 / 3.0, e.hardShare());
        assertEquals(1, e.softLabel());
        assertTrue(e.disagree());
        assertEquals(List.of(0, 1, 2), e.topComponents().stream().map(Explanation.Component::cluster).toList());
        assertEquals(List.of((double) .4f, (double) .31f, (double) .29f),
                e.topComponents().stream().map(Explanation.Component::probability).toList());
        assertArrayEquals(new int[] {2, 1, 0}, e.topComponents().get(0).labelCounts());
        assertArrayEquals(new int[] {0, 1, 1}, e.topComponents().get(1).labelCounts());
        assertEquals(3, e.topComponents().get(0).labeled());
        assertEquals(0.22, e.softScores()[0], 1e-6);
        assertEquals((.2 + .372 + .377) / 3, e.softScores()[1], 1e-6);
        assertEquals(0.308, e.softScores()[2], 1e-6);
        // top is capped by k
        assertEquals(4, Explanation.of(MAP, Q, 6, 10).topComponents().size());
        assertEquals(3, Explanation.of(MAP, Q, 6, 10).topComponents().get(3).cluster());
    }

    @Test void wholeTextOfAReachedDisagreement() {
        String want = """
                image 6

                top components:
                  component   0  q=0.400  labels: 'a' 2, 'b' 1 (of 3)
                  component   1  q=0.310  labels: 'b' 1, 'c' 1 (of 2)
                  component   2  q=0.290  labels: 'b' 1 (of 1)

                hard: 'a'  (component 0, 67% of its labeled points)
                soft: 'b'  (scores: 'b' 0.316, 'c' 0.308, 'a' 0.220)

                They disagree because the hard rule looks only at component 0 (q=0.40), whose labeled points are \
                67% 'a', while soft decoding weighs the whole posterior: components 2 (q=0.29 together), mostly \
                labeled 'b', match it better.
                """;
        // component 1 is half 'b': not "mostly", so only component 2 is named
        assertEquals(want, unix(Explanation.of(MAP, Q, 6, 3).toText(NAMES)));
    }

    @Test void reasonNamesEveryMostlySoftComponentAndAddsTheirMass() {
        // cluster 1 gets a second 'b' label: now clusters 1 and 2 are mostly 'b' (q = .31 + .29 = .60 together)
        float[] q = java.util.Arrays.copyOf(Q, Q.length + 4);
        System.arraycopy(new float[] {0f, .7f, .3f, 0f}, 0, q, Q.length, 4);
        LabelMap m = LabelMap.fit(q, 4, new int[] {0, 1, 2, 3, 4, 5, 7}, new int[] {0, 0, 1, 1, 1, 2, 1}, 3);
        Explanation e = Explanation.of(m, q, 6, 3);
        assertEquals(1, e.softLabel());
        assertEquals("They disagree because the hard rule looks only at component 0 (q=0.40), whose labeled points "
                + "are 67% 'a', while soft decoding weighs the whole posterior: components 1, 2 (q=0.60 together), "
                + "mostly labeled 'b', match it better.", e.reason(NAMES));
    }

    @Test void withOnlyTheTopComponentTheReasonFallsBackToTheProfile() {
        Explanation e = Explanation.of(MAP, Q, 6, 1);
        assertEquals("They disagree because the hard rule looks only at component 0 (q=0.40), whose labeled points "
                + "are 67% 'a', while soft decoding weighs the whole posterior: the profile of 'b' over all "
                + "components match it better.", e.reason(NAMES));
    }

    @Test void unreachedClusterTextWithUnnamedAndUnlabeledClasses() {
        // one labeled point, class 2, in cluster 0; the image sits in cluster 1, which no label reached
        float[] q = {.9f, .1f, .3f, .7f};
        LabelMap m = LabelMap.fit(q, 2, new int[] {0}, new int[] {2}, 3);
        Explanation e = Explanation.of(m, q, 1, 5);
        assertEquals(1, e.hardCluster());
        assertFalse(e.hardReached());
        assertEquals(0.0, e.hardShare());
        assertEquals(0, e.hardLabel());
        assertEquals(2, e.softLabel());
        assertEquals(Double.NEGATIVE_INFINITY, e.softScores()[0]);
        assertEquals(Double.NEGATIVE_INFINITY, e.softScores()[1]);
        // names for classes 0 and 1 only: class 2 is printed by number; classes without labels are not scored
        String want = """
                image 1

                top components:
                  component   1  q=0.700  labels: none
                  component   0  q=0.300  labels: class 2 1 (of 1)

                hard: 'a'  (component 1, no labeled point: the study's rule predicts class 0)
                soft: class 2  (scores: class 2 0.340)

                They disagree because no labeled point fell into component 1, so the hard rule falls back to class 0 \
                ('a'), while soft decoding reads the labels of the other components this image also belongs to and \
                picks class 2.
                """;
        assertEquals(want, unix(e.toText(List.of("a", "b"))));
    }

    @Test void agreementWithoutNames() {
        Explanation e = Explanation.of(MAP, Q, 5, 2); // the 'c' point itself: cluster 1 is b1 c1, majority by first
        assertEquals(e.hardLabel() == e.softLabel(), !e.disagree());
        Explanation a = Explanation.of(MAP, Q, 0, 2); // an 'a' point: both say 'a'
        assertFalse(a.disagree());
        assertEquals("Hard and soft agree on class 0.", a.reason(null));
        assertEquals("Hard and soft agree on 'a'.", a.reason(NAMES));
        assertEquals(1.0 * 2 / 3, a.hardShare());
    }
}
