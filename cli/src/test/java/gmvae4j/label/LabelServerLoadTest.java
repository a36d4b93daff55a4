package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session of MNIST's size (70,000 images, K = 100): every answer is saved, and the server time
 * per answer and to the first question are printed as a benchmark line (measured, not asserted:
 * no timed tests on a shared machine).
 */
class LabelServerLoadTest {
    @TempDir Path dir;

    @Test void seventyThousandImages() throws Exception {
        int n = 70_000, k = 100, classes = 10;
        Random r = new Random(1);
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) truth[i] = r.nextInt(classes);
        float[] q = new float[n * k];
        double[] central = new double[n];
        for (int i = 0; i < n; i++) {
            int c = truth[i] * 10 + r.nextInt(10);
            q[i * k + c] = 0.7f + 0.3f * r.nextFloat();
            q[i * k + r.nextInt(k)] += 1 - q[i * k + c];
            central[i] = r.nextGaussian();
        }
        LabelImages images = new LabelImages("load", new byte[n * 4], n, 2, 2, null, null, truth, java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        long t0 = System.nanoTime();
        ModelView m = ModelView.of(q, n, k, central);
        try (Session s = Session.open(dir, images); LabelServer server = new LabelServer(images, s, Access.random(), "127.0.0.1", 0, 10)) {
            server.start();
            double first = server.ready(m);
            double ready = (System.nanoTime() - t0) / 1e6;
            String hdr = "Host: 127.0.0.1:" + server.port() + "\r\nCookie: " + Access.COOKIE + "=" + tokenOf(server) + "\r\nX-Gmvae-Token: " + tokenOf(server) + "\r\n";
            int answers = 130; // round 1 (100) and three later rounds, each with a refit over all 70,000 images
            for (int a = 0; a < answers; a++) {
                Raw.Reply st = Raw.send(server.port(), "GET", "/api/state", hdr, null);
                assertEquals(200, st.status());
                int i = Integer.parseInt(st.body().replaceAll("(?s).*\"next\": \\{\\s*\"image\": (\\d+).*", "$1"));
                Raw.Reply rep = Raw.send(server.port(), "POST", "/api/answer", hdr, "image=" + i + "&label=" + truth[i]);
                assertEquals(200, rep.status(), rep.body());
            }
            assertEquals(answers, s.labeledCount());
            AnswerTimes t = server.times();
            System.out.printf(Locale.ROOT, "label benchmark (70,000 images, K=100): page usable %.0f ms after the model (first question %.0f ms); "
                    + "server time per answer over %d answers: median %.1f ms, 95th percentile %.1f ms, max %.1f ms%n",
                    ready, first, t.count(), t.quantile(0.5), t.quantile(0.95), t.quantile(1.0));
        }
    }

    private static String tokenOf(LabelServer s) {
        String url = s.url("127.0.0.1");
        return url.substring(url.indexOf("token=") + 6);
    }
}
