package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round 1 from a sample of the images while the model reads the rest: the sample's view covers
 * its images only, asks round 1 and nothing else, and the complete view that replaces it keeps
 * the question the page shows.
 */
class SampleViewTest {
    @TempDir Path dir;

    @Test void aSamplesViewCoversItsImagesOnly() {
        LabelImages images = Fixture.glyphs(600);
        ModelView full = Fixture.model(images.truth(), images.truthNames().size(), 11);
        ModelView part = Fixture.sampleOf(full, 4);
        assertEquals(150, part.read());
        assertFalse(part.complete());
        assertTrue(full.complete());
        assertEquals(full.n(), part.n());
        int covered = 0;
        for (int c = 0; c < part.k(); c++) {
            int[] m = part.members(c);
            covered += m.length;
            assertEquals(m.length, part.size()[c]);
            for (int s = 0; s < m.length; s++) {
                assertEquals(0, m[s] % 4, "only sampled images are members");
                assertEquals(full.component()[m[s]], c, "a sampled image keeps its component");
                if (s > 0) assertTrue(part.centrality()[m[s - 1]] >= part.centrality()[m[s]], "most central first");
            }
            if (m.length > 0) assertTrue(part.isMostCentral(m[0]));
        }
        assertEquals(150, covered);
        for (int i = 1; i < full.n(); i += 4) {
            assertEquals(-1, part.component()[i]);
            assertFalse(part.isMostCentral(i));
            for (int c = 0; c < part.k(); c++) assertEquals(0f, part.q()[i * part.k() + c]);
        }
    }

    @Test void aSamplesViewAsksRoundOneOnly() {
        LabelImages images = Fixture.glyphs(600);
        ModelView part = Fixture.sampleOf(Fixture.model(images.truth(), images.truthNames().size(), 12), 4);
        QueryPolicy p = new QueryPolicy(part, 5, true);
        boolean[] settled = new boolean[part.n()];
        int[] human = new int[part.n()];
        Arrays.fill(human, -1);
        Set<Integer> comps = new HashSet<>();
        for (int i; (i = p.next(settled, human, () -> { throw new AssertionError("a sample's view never fits predictions"); })) >= 0; ) {
            assertEquals(0, i % 4);
            assertTrue(part.isMostCentral(i));
            assertTrue(comps.add(part.component()[i]), "one question per component");
            settled[i] = true;
            human[i] = images.truth()[i];
        }
        long nonEmpty = Arrays.stream(part.size()).filter(s -> s > 0).count();
        assertEquals(nonEmpty, comps.size(), "every sampled component asked, then nothing (later rounds wait for every image)");
        assertEquals(1, p.round());
    }

    @Test void theCompleteViewKeepsTheQuestionShownAndUnlocksGridsReviewAndExport() throws Exception {
        LabelImages images = Fixture.glyphs(400);
        ModelView full = Fixture.model(images.truth(), images.truthNames().size(), 13);
        ModelView part = Fixture.sampleOf(full, 4);
        try (Session s = Session.open(dir, images); LabelServer server = new LabelServer(images, s, Access.random(), "127.0.0.1", 0, 5)) {
            server.start();
            assertTrue(server.ready(part) >= 0);
            String url = server.url("127.0.0.1"), token = url.substring(url.indexOf("token=") + 6);
            String hdr = "Host: 127.0.0.1:" + server.port() + "\r\nCookie: " + Access.COOKIE + "=" + token + "\r\nX-Gmvae-Token: " + token + "\r\n";
            String st = Raw.send(server.port(), "GET", "/api/state", hdr, null).body();
            assertTrue(st.contains("\"read\": 100"), st);
            int first = next(st);
            assertTrue(part.isMostCentral(first));
            assertEquals(200, Raw.send(server.port(), "POST", "/api/answer", hdr, "image=" + first + "&label=a").status());
            int second = next(Raw.send(server.port(), "GET", "/api/state", hdr, null).body());
            for (String path : new String[] {"/api/cluster?c=0", "/api/review?kind=uncertain", "/export/labels.csv"}) {
                Raw.Reply r = Raw.send(server.port(), "GET", path, hdr, null);
                assertEquals(400, r.status(), path);
                assertTrue(r.body().contains("has read 100 of 400 images"), r.body());
            }
            assertEquals(400, Raw.send(server.port(), "POST", "/api/cluster", hdr, "component=0&label=a").status());
            assertEquals(-1, s.humanLabel(second), "nothing labeled by the refused cluster action");

            assertTrue(server.ready(full) >= 0);
            st = Raw.send(server.port(), "GET", "/api/state", hdr, null).body();
            assertTrue(st.contains("\"read\": 400"), st);
            assertEquals(second, next(st), "the question on the page stays while the model finishes reading");
            assertEquals(200, Raw.send(server.port(), "POST", "/api/answer", hdr, "image=" + second + "&label=b").status());
            int third = next(Raw.send(server.port(), "GET", "/api/state", hdr, null).body());
            assertTrue(full.isMostCentral(third), "then round 1 from every image");
            assertNotEquals(full.component()[second], full.component()[third]);
            assertEquals(200, Raw.send(server.port(), "GET", "/api/cluster?c=0", hdr, null).status());
            assertEquals(200, Raw.send(server.port(), "GET", "/export/labels.csv", hdr, null).status());
        }
    }

    @Test void aResumedSessionPastRoundOneWaitsForEveryImage() throws Exception {
        LabelImages images = Fixture.glyphs(400);
        ModelView full = Fixture.model(images.truth(), images.truthNames().size(), 14);
        ModelView part = Fixture.sampleOf(full, 4);
        try (Session s = Session.open(dir, images)) {
            for (int c = 0; c < part.k(); c++) if (part.size()[c] > 0) s.answer(part.members(c)[0], "x");
            s.answer(1, "y");    // an image outside the sample
            try (LabelServer server = new LabelServer(images, s, Access.random(), "127.0.0.1", 0, 5)) {
                server.start();
                assertEquals(-1, server.ready(part), "no round-1 question left in the sample: the page keeps waiting");
                String url = server.url("127.0.0.1"), token = url.substring(url.indexOf("token=") + 6);
                String hdr = "Host: 127.0.0.1:" + server.port() + "\r\nCookie: " + Access.COOKIE + "=" + token + "\r\n";
                assertTrue(Raw.send(server.port(), "GET", "/api/state", hdr, null).body().contains("\"ready\": false"));
                assertTrue(server.ready(full) >= 0);
                assertTrue(Raw.send(server.port(), "GET", "/api/state", hdr, null).body().contains("\"ready\": true"));
            }
        }
    }

    private static int next(String state) {
        return Integer.parseInt(state.replaceAll("(?s).*\"next\": \\{\\s*\"image\": (\\d+).*", "$1"));
    }
}
