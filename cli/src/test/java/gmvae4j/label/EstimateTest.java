package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.eval.LatentNeighbours;
import gmvae4j.engine.eval.LeaveOneOut;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's estimated accuracy is the leave-one-out estimate of the rule that labels the images. */
class EstimateTest {
    @TempDir Path dir;

    @Test void theEstimateIsThatOfTheRuleInUse() {
        LabelImages images = Fixture.glyphs(400);
        ModelView soft = Fixture.model(images.truth(), images.truthNames().size(), 7);
        ModelView latent = withLatent(soft, images.truth(), 7);
        int[] human = answers(images.truth(), 60, 7);
        for (int c = 0; c < soft.k(); c += 2) if (soft.members(c).length > 0) human[soft.members(c)[0]] = images.truth()[soft.members(c)[0]];
        Predictions.Answers a = Predictions.Answers.of(human);
        boolean[] central = new boolean[a.idx().length];
        int scored = 0;
        for (int j = 0; j < central.length; j++) {
            int i = a.idx()[j], c = soft.component()[i];
            central[j] = soft.members(c)[0] == i;
            if (central[j]) scored++;
        }
        assertTrue(scored >= 10 && scored < central.length, "the answers mix round-1 ones and others: " + scored + " of " + central.length);
        int nc = images.truthNames().size();
        double s = Predictions.estimate(soft, human, nc), l = Predictions.estimate(latent, human, nc);
        assertEquals(LeaveOneOut.softDotAccuracy(soft.q(), soft.k(), a.idx(), a.labels(), nc, central), s, 1e-12);
        assertEquals(LeaveOneOut.latentPropagationAccuracy(latent.q(), latent.k(), latent.neighbours(), a.idx(), a.labels(), nc, central), l, 1e-12);
        assertNotEquals(s, l, "on this fixture the two rules' estimates differ, so the test tells them apart");
        assertNotEquals(LeaveOneOut.softDotAccuracy(soft.q(), soft.k(), a.idx(), a.labels(), nc), s,
                "over every answer the estimate differs, so the test tells the scored ones apart");
        assertTrue(Double.isNaN(Predictions.estimate(latent, new int[images.n()], 0)));
        // Answers about other images only: nothing to estimate from yet.
        int[] others = answers(images.truth(), 60, 7);
        for (int i = 0; i < others.length; i++) if (soft.isMostCentral(i)) others[i] = -1;
        assertTrue(Double.isNaN(Predictions.estimate(soft, others, nc)));
    }

    /** The server plots the latent rule's estimate (computed off the answers' path) once it is done. */
    @Test void theServerPlotsTheLatentRulesEstimate() throws Exception {
        LabelImages images = Fixture.glyphs(300);
        ModelView soft = Fixture.model(images.truth(), images.truthNames().size(), 3);
        ModelView latent = withLatent(soft, images.truth(), 3);
        try (Session s = Session.open(dir, images); LabelServer server = new LabelServer(images, s, Access.random(), "127.0.0.1", 0, 10)) {
            server.start();
            server.ready(soft);
            server.improve(latent);
            String url = server.url("127.0.0.1"), token = url.substring(url.indexOf("token=") + 6);
            String hdr = "Host: 127.0.0.1:" + server.port() + "\r\nCookie: " + Access.COOKIE + "=" + token + "\r\nX-Gmvae-Token: " + token + "\r\n";
            for (int a = 0; a < 30; a++) {
                Raw.Reply st = Raw.send(server.port(), "GET", "/api/state", hdr, null);
                int i = Integer.parseInt(st.body().replaceAll("(?s).*\"next\": \\{\\s*\"image\": (\\d+).*", "$1"));
                assertEquals(200, Raw.send(server.port(), "POST", "/api/answer", hdr, "image=" + i + "&label=" + images.truthNames().get(images.truth()[i])).status());
            }
            double want = Predictions.estimate(latent, s.humanLabels(), s.classes().size());
            String last = null;
            for (int tries = 0; tries < 600; tries++) {                // the estimate is computed off the answers' path
                String body = Raw.send(server.port(), "GET", "/api/state", hdr, null).body();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[\\s*30(?:\\.0)?\\s*,\\s*([0-9.eE-]+)\\s*\\]").matcher(body);
                if (m.find()) { last = m.group(1); break; }
                Thread.sleep(100);
            }
            assertNotNull(last, "no plot point for 30 answers");
            assertEquals(want, Double.parseDouble(last), 1e-9);
        }
    }

    /** The fixture's posteriors with a latent space where each class sits apart, and its neighbour graph. */
    private static ModelView withLatent(ModelView m, int[] truth, long seed) {
        Random r = new Random(seed);
        int n = m.n(), d = 2;
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) { z[i * d] = 3 * truth[i] + (float) r.nextGaussian(); z[i * d + 1] = (float) r.nextGaussian(); }
        return m.withNeighbours(LatentNeighbours.build(z, n, d, m.q(), m.k(), 5));
    }

    private static int[] answers(int[] truth, int count, long seed) {
        int[] human = new int[truth.length];
        java.util.Arrays.fill(human, -1);
        int[] perm = gmvae4j.engine.eval.LabelDraw.permutation(truth.length, seed);
        for (int j = 0; j < count; j++) human[perm[j]] = truth[perm[j]];
        return human;
    }
}
