package gmvae4j.cli.report;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.eval.CoverageBounds;
import gmvae4j.engine.eval.Decoder;
import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.Sweep;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir Path dir;

    /** A real sweep of the four decoders over a synthetic, fuzzy posterior (10 clusters, 5 classes). */
    static ExperimentReport report() throws Exception {
        int n = 2000, k = 10, nc = 5;
        SplittableRandom r = new SplittableRandom(4);
        float[] q = new float[n * k];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(k);
            truth[i] = r.nextDouble() < 0.9 ? c % nc : r.nextInt(nc);
            float s = 0;
            for (int j = 0; j < k; j++) { q[i * k + j] = (float) r.nextDouble(0, 0.3); s += q[i * k + j]; }
            q[i * k + c] += 1; s += 1;
            for (int j = 0; j < k; j++) q[i * k + j] /= s;
        }
        List<Sweep.Method> methods = new ArrayList<>();
        for (Decoder d : Decoder.all()) methods.add(Sweep.decoderMethod(d, q, k, nc));
        methods.add(new Sweep.Method() {
            @Override public String name() { return "logreg"; }
            @Override public String skipReason(int m) { return m > 100 ? "over the cap" : null; }
            @Override public int[] predict(int[] l, int[] y, int[] e) { return new int[e.length]; }
        });
        double[] f = {1e-3, 2e-3, 1e-2, 0.1, 0.5};
        Sweep.Result res = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, 1600, f, 5, methods, null);
        double target = LabelEfficiency.meanAt(f, res.method("soft-dot").means(), 2e-3);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dataset", "synthetic | with a pipe");
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("sweep", 1.5);
        int[] sizes = new int[k], maj = new int[k];
        for (int c = 0; c < k; c++) { sizes[c] = 200; maj[c] = 180; }
        BufferedImage samples = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        return new ExperimentReport("synthetic", nc, settings, List.of(res),
                List.of(new ExperimentReport.Target(Sweep.Protocol.TRANSDUCTIVE, "soft-dot", 2e-3, target,
                        LabelEfficiency.table(res, "soft-dot", target))),
                CoverageBounds.equal(k, n, 0.05), CoverageBounds.actual(new long[] {200, 200, 100, 50}, 0.05, 200, 1),
                sizes, maj, List.of(new ExperimentReport.Gap(Sweep.Protocol.TRANSDUCTIVE, 2e-3, 4, 0.3, 0.5, 0.6, 0.55, 0.7, 0.4, 3.2,
                        "image 7\nsoft wins \"quoted\"")), List.of("a note"), timings, samples);
    }

    @Test @SuppressWarnings("unchecked")
    void writesParseableJsonCsvMarkdownAndPngs() throws Exception {
        Path out = dir.resolve("rep");
        ReportWriter.write(out, report());
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(out.resolve("results.json")));
        assertEquals("synthetic", json.get("dataset"));
        List<Object> protocols = (List<Object>) json.get("protocols");
        Map<String, Object> p0 = (Map<String, Object>) protocols.get(0);
        List<Object> methods = (List<Object>) p0.get("methods");
        int decoders = Decoder.all().length;
        assertEquals(decoders + 1, methods.size());
        Map<String, Object> logreg = (Map<String, Object>) methods.get(decoders);
        Map<String, Object> last = (Map<String, Object>) ((List<Object>) logreg.get("points")).get(4);
        assertNull(last.get("mean"), "skipped points are null, not NaN");
        Map<String, Object> soft = (Map<String, Object>) methods.get(2);
        Map<String, Object> pt = (Map<String, Object>) ((List<Object>) soft.get("points")).get(2);
        assertEquals(5, ((List<Object>) pt.get("accuracies")).size());
        assertTrue(((Double) pt.get("ci95")) >= 0);
        assertNotNull(json.get("label_efficiency"));
        assertNotNull(((Map<String, Object>) json.get("bounds")).get("equal"));

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + (decoders + 1) * 5, csv.size());
        assertEquals("protocol,method,fraction,n,mean,ci95,draw0,draw1,draw2,draw3,draw4", csv.get(0));
        for (String line : csv) assertEquals(11, line.split(",", -1).length, line);

        String md = Files.readString(out.resolve("REPORT.md"));
        assertTrue(md.contains("\n- logreg: n=200, 1000: over the cap\n"), "one line per reason, its label counts listed");
        for (String h : List.of("## Settings", "## Accuracy, transductive", "## Label efficiency", "## Soft vs hard",
                "## Coverage bounds", "## Clusters", "## Timings", "class 0"))
            assertTrue(md.contains(h), h);
        assertTrue(md.contains("synthetic \\| with a pipe"), "pipes in table cells are escaped");

        BufferedImage acc = ImageIO.read(out.resolve("accuracy-transductive.png").toFile());
        assertEquals(ReportWriter.PLOT_W, acc.getWidth());
        assertEquals(ReportWriter.PLOT_H, acc.getHeight());
        assertEquals(ReportWriter.PLOT_W, ImageIO.read(out.resolve("purity.png").toFile()).getWidth());
        assertEquals(40, ImageIO.read(out.resolve("samples.png").toFile()).getWidth());
    }

    @Test void aFailingArtifactLeavesThePreviousReportIntact() throws Exception {
        Path out = dir.resolve("rep");
        ReportWriter.write(out, report());
        String before = Files.readString(out.resolve("results.json"));
        List<ReportDirectory.Artifact> arts = new ArrayList<>(ReportWriter.artifacts(report()));
        arts.add(1, ReportDirectory.Artifact.bytes("results.csv", () -> "half".getBytes()));
        arts.add(2, ReportDirectory.Artifact.bytes("boom.png", () -> { throw new java.io.IOException("disk full"); }));
        assertThrows(java.io.IOException.class, () -> ReportDirectory.write(out, arts));
        assertEquals(before, Files.readString(out.resolve("results.json")));
        assertNotEquals("half", Files.readString(out.resolve("results.csv")));
        assertFalse(Files.exists(out.resolve("boom.png")));
        try (var s = Files.list(dir)) { assertEquals(List.of(out), s.toList(), "no temporary directory left behind"); }
    }

    @Test void rewritingAnEarlierReportReplacesItWhole() throws Exception {
        Path out = dir.resolve("rep");
        ReportWriter.write(out, report());
        assertTrue(Files.isRegularFile(out.resolve(ReportDirectory.MARKER)), "every report carries the marker");
        Files.writeString(out.resolve("stale.txt"), "old");
        ReportWriter.write(out, report());
        assertFalse(Files.exists(out.resolve("stale.txt")));
        assertTrue(Files.exists(out.resolve("REPORT.md")));
        assertTrue(Files.isRegularFile(out.resolve(ReportDirectory.MARKER)));
    }

    /** Issue 12: a folder that is not one of our reports was emptied; it must be refused, untouched. */
    @Test void aFolderThatIsNotAReportIsRefusedAndLeftAlone() throws Exception {
        Path out = dir.resolve("mine");
        Files.createDirectories(out.resolve("sub"));
        Files.writeString(out.resolve("thesis.tex"), "years of work");
        Files.writeString(out.resolve("sub/data.csv"), "1,2");
        gmvae4j.cli.UserError e = assertThrows(gmvae4j.cli.UserError.class, () -> ReportWriter.write(out, report()));
        assertTrue(e.getMessage().contains("not a gmvae4j report"), e.getMessage());
        assertEquals("years of work", Files.readString(out.resolve("thesis.tex")));
        assertEquals("1,2", Files.readString(out.resolve("sub/data.csv")));
        try (var s = Files.list(dir)) { assertEquals(List.of(out), s.toList(), "nothing left beside it either"); }
    }

    @Test void anEmptyFolderBecomesTheReport() throws Exception {
        Path out = Files.createDirectories(dir.resolve("empty"));
        ReportWriter.write(out, report());
        assertTrue(ReportDirectory.isReport(out));
    }

    @Test void reportFoldersFollowTheUmask() throws Exception {
        Path plainDir = Files.createDirectory(dir.resolve("plain"));
        Path plainFile = Files.writeString(dir.resolve("plain.txt"), "x");
        Path out = dir.resolve("rep");
        ReportWriter.write(out, report());
        assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(out));
        assertEquals(Files.getPosixFilePermissions(plainFile), Files.getPosixFilePermissions(out.resolve("REPORT.md")));
    }

    @Test void jsonEscapesAndNulls() {
        String s = new Json().beginObject().field("a\"b", "x\ny\u0001").field("nan", Double.NaN).field("x", 0.25)
                .array("v", new double[] {1, Double.POSITIVE_INFINITY}).endObject().toString();
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) MiniJson.parse(s);
        assertEquals("x\ny\u0001", m.get("a\"b"));
        assertNull(m.get("nan"));
        assertEquals(0.25, m.get("x"));
        assertEquals(java.util.Arrays.asList(1.0, null), m.get("v"));
    }
}
