package gmvae4j.cli.report;

import gmvae4j.engine.eval.CoverageBounds;
import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.Stats;
import gmvae4j.engine.eval.Sweep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an {@link ExperimentReport} into a report directory: {@code results.json},
 * {@code results.csv}, {@code REPORT.md} and PNG charts, written all or nothing by
 * {@link ReportDirectory}.
 */
public final class ReportWriter {
    private ReportWriter() {}

    public static final int PLOT_W = 900, PLOT_H = 560;

    public static void write(Path out, ExperimentReport r) throws Exception {
        ReportDirectory.write(out, artifacts(r));
    }

    public static List<ReportDirectory.Artifact> artifacts(ExperimentReport r) {
        List<ReportDirectory.Artifact> a = new ArrayList<>();
        a.add(ReportDirectory.Artifact.bytes("results.json", () -> json(r).getBytes(StandardCharsets.UTF_8)));
        a.add(ReportDirectory.Artifact.bytes("results.csv", () -> csv(r).getBytes(StandardCharsets.UTF_8)));
        a.add(ReportDirectory.Artifact.bytes("REPORT.md", () -> Markdown.render(r).getBytes(StandardCharsets.UTF_8)));
        for (Sweep.Result s : r.sweeps())
            a.add(ReportDirectory.Artifact.bytes(plotName(s), () -> Palette.png(AccuracyPlot.render(s,
                    r.dataset() + ": accuracy vs labels (" + s.protocol().id() + ")", PLOT_W, PLOT_H))));
        if (r.clusterSizes() != null)
            a.add(ReportDirectory.Artifact.bytes("purity.png", () -> Palette.png(PurityChart.render(r.clusterSizes(),
                    r.clusterMajority(), r.dataset() + ": component sizes and purity", PLOT_W, 420))));
        if (r.samples() != null)
            a.add(ReportDirectory.Artifact.bytes("samples.png", () -> Palette.png(r.samples())));
        return a;
    }

    static String plotName(Sweep.Result s) { return "accuracy-" + s.protocol().id() + ".png"; }

    public static String json(ExperimentReport r) {
        Json j = new Json().beginObject();
        j.field("dataset", r.dataset());
        j.key("settings").beginObject();
        for (Map.Entry<String, String> e : r.settings().entrySet()) j.field(e.getKey(), e.getValue());
        j.endObject();
        j.key("protocols").beginArray();
        for (Sweep.Result s : r.sweeps()) {
            j.beginObject().field("protocol", s.protocol().id()).field("draws", s.draws())
                    .field("candidates", s.candidates()).field("evaluated", s.evaluated())
                    .array("fractions", s.fractions()).array("n", s.n());
            j.key("methods").beginArray();
            for (Sweep.MethodResult m : s.methods()) {
                j.beginObject().field("method", m.name()).field("seconds", m.seconds());
                j.key("notes").beginArray();
                for (String note : m.notes()) j.value(note);
                j.endArray();
                j.key("points").beginArray();
                for (int f = 0; f < s.fractions().length; f++) {
                    Stats st = m.stats()[f];
                    j.beginObject().field("fraction", s.fractions()[f]).field("n", s.n()[f])
                            .field("mean", st.mean()).field("ci95", st.ci95()).field("sd", st.sd())
                            .array("accuracies", m.acc()[f]).endObject();
                }
                j.endArray().endObject();
            }
            j.endArray().endObject();
        }
        j.endArray();
        j.key("label_efficiency").beginArray();
        for (ExperimentReport.Target t : r.targets()) {
            j.beginObject().field("protocol", t.protocol().id()).field("reference", t.reference())
                    .field("target_fraction", t.targetFraction()).field("target_accuracy", t.accuracy());
            j.key("methods").beginArray();
            for (LabelEfficiency.Row row : t.rows())
                j.beginObject().field("method", row.method()).field("fraction_needed", row.need().fraction())
                        .field("fraction_bound", row.need().bound().name().toLowerCase(Locale.ROOT))
                        .field("ratio", row.ratio()).field("ratio_bound", row.ratioBound().name().toLowerCase(Locale.ROOT))
                        .field("ratio_text", row.formatRatio()).endObject();
            j.endArray().endObject();
        }
        j.endArray();
        j.key("bounds").beginObject();
        CoverageBounds.Equal e = r.equal();
        j.key("equal").beginObject().field("k", e.k()).field("n", e.n()).field("delta", e.delta())
                .field("hand_picked", e.handPicked()).field("hand_picked_fraction", e.handPickedFraction())
                .field("random_exact", e.exact()).field("random_exact_fraction", e.exactFraction())
                .field("k_ln_k_over_delta", e.unionBound()).field("k_ln_k_over_delta_fraction", e.unionBoundFraction())
                .endObject();
        if (r.actual() != null) {
            CoverageBounds.Actual a = r.actual();
            j.key("actual").beginObject().field("non_empty_clusters", a.nonEmpty()).field("n", a.n())
                    .field("smallest_cluster", a.smallestCluster()).field("lower_bound", a.lowerBound())
                    .field("monte_carlo", a.monteCarlo()).field("upper_bound", a.upperBound())
                    .field("monte_carlo_trials", a.trials()).field("monte_carlo_fraction", a.monteCarloFraction())
                    .endObject();
        }
        j.endObject();
        j.key("soft_vs_hard").beginArray();
        for (ExperimentReport.Gap g : r.gaps())
            j.beginObject().field("protocol", g.protocol().id()).field("fraction", g.fraction()).field("n", g.n())
                    .field("hard", g.hard()).field("hard_fallback", g.fallback()).field("soft_dot", g.softDot())
                    .field("soft_cos", g.softCos()).field("soft_prop", g.softProp()).field("unreached_share", g.unreachedShare())
                    .field("reached_clusters", g.reachedClusters()).field("example", g.example()).endObject();
        j.endArray();
        if (r.clusterSizes() != null) j.array("cluster_sizes", r.clusterSizes()).array("cluster_majority", r.clusterMajority());
        j.key("notes").beginArray();
        for (String n : r.notes()) j.value(n);
        j.endArray();
        j.key("timings_seconds").beginObject();
        for (Map.Entry<String, Double> t : r.timings().entrySet()) j.field(t.getKey(), t.getValue());
        j.endObject();
        return j.endObject().toString();
    }

    public static String csv(ExperimentReport r) {
        int draws = r.sweeps().stream().mapToInt(Sweep.Result::draws).max().orElse(0);
        StringBuilder sb = new StringBuilder("protocol,method,fraction,n,mean,ci95");
        for (int d = 0; d < draws; d++) sb.append(",draw").append(d);
        sb.append('\n');
        for (Sweep.Result s : r.sweeps())
            for (Sweep.MethodResult m : s.methods())
                for (int f = 0; f < s.fractions().length; f++) {
                    sb.append(s.protocol().id()).append(',').append(m.name()).append(',').append(s.fractions()[f])
                            .append(',').append(s.n()[f]).append(',').append(num(m.stats()[f].mean()))
                            .append(',').append(num(m.stats()[f].ci95()));
                    for (int d = 0; d < draws; d++) sb.append(',').append(d < m.acc()[f].length ? num(m.acc()[f][d]) : "");
                    sb.append('\n');
                }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
