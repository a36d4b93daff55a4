package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationTest {
    static final List<String> NAMES = List.of("a", "b", "c");

    @Test void unreachedClusterDisagreementIsExplained() {
        Explanation e = Explanation.of(DecodersTest.map(), DecodersTest.Q, 6, 3);
        assertEquals(2, e.hardCluster());
        assertFalse(e.hardReached());
        assertEquals(0, e.hardLabel());
        assertEquals(1, e.softLabel());
        assertTrue(e.disagree());
        assertEquals(List.of(2, 1, 0), e.topComponents().stream().map(Explanation.Component::cluster).toList());
        String text = e.toText(NAMES);
        assertTrue(text.contains("no labeled point fell into component 2"), text);
        assertTrue(text.contains("'b'"), text);
    }

    @Test void reachedClusterDisagreementNamesTheOutvotingComponents() {
        // cluster 0 labeled 'a' (one point); clusters 1 and 2 labeled 'b'; x sits 0.4 on 0 and 0.3+0.3 on 1,2
        float[] q = {
                1f, 0f, 0f,
                0f, 1f, 0f,
                0f, 0f, 1f,
                .4f, .3f, .3f};
        LabelMap m = LabelMap.fit(q, 3, new int[] {0, 1, 2}, new int[] {0, 1, 1}, 2);
        Explanation e = Explanation.of(m, q, 3, 3);
        assertEquals(0, e.hardLabel());
        assertEquals(1.0, e.hardShare());
        // soft: m(a)=(1,0,0) -> 0.4, m(b)=(0,.5,.5) -> 0.3: dot agrees with hard here
        assertFalse(e.disagree());
        assertTrue(e.reason(NAMES).contains("agree"));

        float[] q2 = {1f, 0f, 0f, 0f, 1f, 0f, 0f, 1f, 0f, .4f, .6f * 0.9f, .6f * 0.1f};
        q2[10] = 0.35f; q2[11] = 0.25f;
        LabelMap m2 = LabelMap.fit(q2, 3, new int[] {0, 1, 2}, new int[] {0, 1, 1}, 2);
        // m(b) = (0,1,0): dot = 0.35 < 0.4 -> agree again; make x lean more: .38/.37/.25
        q2[9] = .38f; q2[10] = .37f; q2[11] = .25f;
        Explanation e2 = Explanation.of(m2, q2, 3, 3);
        assertEquals(0, e2.hardLabel());
        assertEquals(0, e2.softLabel());
    }

    @Test void softOutvotesHardOnAReachedCluster() {
        // 'a' is labeled once, in cluster 0 but with half its mass on cluster 2; 'b' sits squarely in cluster 1
        float[] q = {
                .5f, 0f, .5f,
                0f, 1f, 0f,
                .4f, .35f, .25f};
        LabelMap m = LabelMap.fit(q, 3, new int[] {0, 1}, new int[] {0, 1}, 2);
        Explanation e = Explanation.of(m, q, 2, 3);
        // hard: cluster 0 -> 'a'; soft: a = .5*.4 + .5*.25 = .325 < b = .35
        assertEquals(0, e.hardLabel());
        assertTrue(e.hardReached());
        assertEquals(1, e.softLabel());
        String reason = e.reason(NAMES);
        assertTrue(reason.contains("looks only at component 0"), reason);
        assertTrue(reason.contains("components 1"), reason);
    }

    @Test void softOutvotesHardWhenMassIsSpread() {
        // cluster 0 labeled 'a'; cluster 1 labeled 'b' twice, both points also carrying mass on cluster 2
        float[] q = {
                1f, 0f, 0f,
                0f, .6f, .4f,
                0f, .6f, .4f,
                .4f, .35f, .25f};
        LabelMap m = LabelMap.fit(q, 3, new int[] {0, 1, 2}, new int[] {0, 1, 1}, 2);
        Explanation e = Explanation.of(m, q, 3, 3);
        // dot: a = 0.4; b = .6*.35 + .4*.25 = 0.31 -> a. Cosine would differ, dot does not.
        assertEquals(0, e.softLabel());
        assertEquals(0.31, e.softScores()[1], 1e-6);
        assertTrue(e.toText(NAMES).contains("component   0"), e.toText(NAMES));
    }
}
