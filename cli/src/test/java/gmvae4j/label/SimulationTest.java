package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
    @Test void roundOneAsksOncePerClusterThenAccuracyClimbsPastRandomLabels() {
        LabelImages images = Fixture.glyphs(1200);
        ModelView m = Fixture.model(images.truth(), images.truthNames().size(), 3);
        List<Simulation.Point> seen = new ArrayList<>();
        Simulation.run(m, images.truth(), images.truthNames(), 3 * m.k(), 10, 3, seen::add);
        assertEquals(m.k(), seen.getFirst().answers(), "round 1: one central image per non-empty cluster");
        assertEquals(1, seen.getFirst().round());
        Simulation.Point last = seen.getLast();
        assertEquals(3 * m.k(), last.answers());
        assertTrue(last.accuracy() > seen.getFirst().accuracy(), seen.toString());
        assertTrue(last.accuracy() > last.randomSoftDot(), seen.toString());
    }

    @Test void laterBatchesTakeAtMostOneImagePerComponent() {
        LabelImages images = Fixture.glyphs(600);
        ModelView m = Fixture.model(images.truth(), images.truthNames().size(), 5);
        QueryPolicy p = new QueryPolicy(m, 8, false);
        boolean[] settled = new boolean[m.n()];
        int[] human = new int[m.n()];
        java.util.Arrays.fill(human, -1);
        java.util.List<String> classes = List.of("x");
        int asked = 0;
        while (p.round() <= 1) {
            int i = p.next(settled, human, () -> Predictions.fit(m, human.clone(), classes, 0));
            if (p.round() > 1) break;
            settled[i] = true;
            human[i] = 0;
            asked++;
        }
        assertEquals(m.k(), asked);
        int[] batch = p.pending(settled);
        assertEquals(8, batch.length);
        java.util.Set<Integer> comps = new java.util.HashSet<>();
        for (int i : batch) assertTrue(comps.add(m.component()[i]), "two images of one component in a batch");
    }
}
