package gmvae4j.cli.report;

import gmvae4j.engine.eval.CoverageBounds;
import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.Stats;
import gmvae4j.engine.eval.Sweep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** REPORT.md: the whole experiment readable on its own, tables first, then the charts. */
final class Markdown {
    private Markdown() {}

    static String render(ExperimentReport r) {
        StringBuilder md = new StringBuilder();
        String headline = Headline.of(r);
        if (headline != null) md.append(headline).append("\n\n");
        md.append("# gmvae4j label-efficiency report: ").append(r.dataset()).append("\n\n");
        summary(md, r);

        md.append("## Settings\n\n| setting | value |\n|---|---|\n");
        for (Map.Entry<String, String> e : r.settings().entrySet())
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().replace("|", "\\|")).append(" |\n");
        md.append('\n');

        for (Sweep.Result s : r.sweeps()) accuracyTable(md, s, r.dataset());
        for (ExperimentReport.Target t : r.targets())
            for (Sweep.Result s : r.sweeps()) if (s.protocol() == t.protocol()) efficiency(md, t, s.candidates());
        for (ExperimentReport.Gap g : r.gaps()) gap(md, g);
        bounds(md, r);

        if (r.clusterSizes() != null) {
            int nonEmpty = 0;
            long total = 0, pure = 0;
            for (int c = 0; c < r.clusterSizes().length; c++) {
                if (r.clusterSizes()[c] > 0) nonEmpty++;
                total += r.clusterSizes()[c];
                pure += r.clusterMajority()[c];
            }
            md.append("## Clusters\n\n").append(String.format(Locale.ROOT,
                    "%d of %d components hold at least one point (argmax); purity (share of points in their "
                            + "component's majority class) %.1f%%.%n%n", nonEmpty, r.clusterSizes().length,
                    total == 0 ? 0 : 100.0 * pure / total));
            md.append("![component sizes and purity](purity.png)\n\n");
        }
        if (r.samples() != null)
            md.append("## What the components generate\n\nOne row per component: samples z ~ p(z|c) decoded to pixel means, then (right of the bar) the component's most probable real members:\n\n")
                    .append("![component samples](samples.png)\n\n");
        if (!r.notes().isEmpty()) {
            md.append("## Notes\n\n");
            for (String n : r.notes()) md.append("- ").append(n).append('\n');
            md.append('\n');
        }
        md.append("## Timings\n\n| phase | seconds |\n|---|---|\n");
        for (Map.Entry<String, Double> t : r.timings().entrySet())
            md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", t.getKey(), t.getValue()));
        md.append("\nFiles: `results.json` (every number, per-draw accuracies included), `results.csv` (one row per "
                + "protocol, method and fraction), the PNG charts referenced above.\n");
        return md.toString();
    }

    private static void summary(StringBuilder md, ExperimentReport r) {
        for (ExperimentReport.Target t : r.targets()) {
            int candidates = 0, n = 0;
            for (Sweep.Result s : r.sweeps())
                if (s.protocol() == t.protocol()) {
                    candidates = s.candidates();
                    for (int i = 0; i < s.fractions().length; i++) if (s.fractions()[i] == t.targetFraction()) n = s.n()[i];
                }
            md.append(String.format(Locale.ROOT, "- **%s**: %s reaches %s accuracy with %s of the labels (%,d labels).",
                    t.protocol().id(), t.reference(), pct(t.accuracy()), LabelEfficiency.formatFraction(t.targetFraction()), n));
            for (LabelEfficiency.Row row : t.rows()) {
                if (row.method().equals(t.reference()) || !isBaseline(row.method())) continue;
                md.append(String.format(Locale.ROOT, " %s needs %s (%s, %s).", row.method(), row.need().format(),
                        Headline.labels(row.need(), candidates), row.formatRatio()));
            }
            md.append('\n');
        }
        for (ExperimentReport.Gap g : r.gaps())
            md.append(String.format(Locale.ROOT, "- **%s, %s labels (n=%d)**: soft-dot %s vs hard %s (%+.1f points); "
                            + "soft-prop %s.%n",
                    g.protocol().id(), LabelEfficiency.formatFraction(g.fraction()), g.n(), pct(g.softDot()), pct(g.hard()),
                    100 * (g.softDot() - g.hard()), pct(g.softProp())));
        CoverageBounds.Equal e = r.equal();
        md.append(String.format(Locale.ROOT, "- **coverage**: K=%d hand-picked labels are %s of N=%d; random labels "
                        + "cover all %d equal clusters with %.0f%% confidence from n=%d (%s).%n%n",
                e.k(), LabelEfficiency.formatFraction(e.handPickedFraction()), e.n(), e.k(), 100 * (1 - e.delta()),
                e.exact(), LabelEfficiency.formatFraction(e.exactFraction())));
    }

    static boolean isBaseline(String m) { return m.equals("logreg") || m.equals("mlp") || m.equals("xgboost"); }

    private static void accuracyTable(StringBuilder md, Sweep.Result s, String dataset) {
        md.append("## Accuracy, ").append(s.protocol().id()).append(" protocol\n\n");
        md.append(s.protocol() == Sweep.Protocol.TRANSDUCTIVE
                ? String.format(Locale.ROOT, "Labels drawn from the whole pool (N=%d), accuracy on the other points. ", s.candidates())
                : String.format(Locale.ROOT, "Labels drawn from the train split (N=%d), accuracy on the %d test points. ",
                s.candidates(), s.evaluated()));
        md.append(String.format(Locale.ROOT, "Mean ± 95%% CI half-width over %d draws (Student t, %d df), in %%.%n%n",
                s.draws(), s.draws() - 1));
        md.append("| fraction | n |");
        for (Sweep.MethodResult m : s.methods()) md.append(' ').append(m.name()).append(" |");
        md.append("\n|---:|---:|");
        for (int i = 0; i < s.methods().size(); i++) md.append("---:|");
        md.append('\n');
        for (int f = 0; f < s.fractions().length; f++) {
            md.append("| ").append(LabelEfficiency.formatFraction(s.fractions()[f])).append(" | ").append(s.n()[f]).append(" |");
            double best = Double.NEGATIVE_INFINITY;
            for (Sweep.MethodResult m : s.methods()) if (!Double.isNaN(m.stats()[f].mean())) best = Math.max(best, m.stats()[f].mean());
            for (Sweep.MethodResult m : s.methods()) {
                Stats st = m.stats()[f];
                if (Double.isNaN(st.mean())) {   // past its crossing (see the notes), or over a cap
                    String notRun = "n=" + s.n()[f] + ": not run";
                    boolean past = m.notes().stream().anyMatch(x -> x.startsWith(notRun));
                    md.append(past ? " not run |" : " skipped |");
                    continue;
                }
                String cell = String.format(Locale.ROOT, "%.1f ± %s", 100 * st.mean(),
                        Double.isNaN(st.ci95()) ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * st.ci95()));
                md.append(' ').append(st.mean() == best ? "**" + cell + "**" : cell).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (Sweep.MethodResult m : s.methods()) {
            // "n=208: why", "n=416: why" → "n=208, 416: why": one line per reason
            Map<String, List<String>> counts = new LinkedHashMap<>();
            for (String note : m.notes()) {
                int colon = note.indexOf(": ");
                boolean counted = note.startsWith("n=") && colon > 0;
                counts.computeIfAbsent(counted ? note.substring(colon + 2) : note, x -> new ArrayList<>())
                        .add(counted ? note.substring(2, colon) : null);
            }
            for (Map.Entry<String, List<String>> e : counts.entrySet()) {
                List<String> ns = e.getValue().stream().filter(java.util.Objects::nonNull).toList();
                md.append("- ").append(m.name()).append(": ").append(ns.isEmpty() ? "" : "n=" + String.join(", ", ns) + ": ")
                        .append(e.getKey()).append('\n');
            }
        }
        md.append("\n![accuracy vs labels](").append(ReportWriter.plotName(s)).append(")\n\n");
    }

    private static void efficiency(StringBuilder md, ExperimentReport.Target t, int candidates) {
        md.append("## Label efficiency, ").append(t.protocol().id()).append(" protocol\n\n");
        md.append(String.format(Locale.ROOT, "Target: %s accuracy, what %s reaches at %s. The fraction each method needs is "
                        + "read off its mean curve by log-linear interpolation; \"> f\" means it never got there on the grid "
                        + "(so the ratio is a lower bound), \"≤ f\" that it was already there at the smallest fraction.%n%n",
                pct(t.accuracy()), t.reference(), LabelEfficiency.formatFraction(t.targetFraction())));
        md.append("| method | fraction needed | labels needed | labels vs ").append(t.reference()).append(" |\n|---|---:|---:|---:|\n");
        for (LabelEfficiency.Row row : t.rows())
            md.append("| ").append(row.method()).append(" | ").append(row.need().format()).append(" | ")
                    .append(Double.isNaN(row.need().fraction()) ? "n/a" : String.format(Locale.ROOT, switch (row.need().bound()) {
                        case EXACT -> "≈ %,d"; case MORE_THAN -> "> %,d"; case AT_MOST -> "≤ %,d"; },
                            Headline.count(row.need(), candidates)))
                    .append(" | ").append(row.formatRatio()).append(" |\n");
        md.append('\n');
    }

    private static void gap(StringBuilder md, ExperimentReport.Gap g) {
        md.append(String.format(Locale.ROOT, "## Soft vs hard decoding at %s labels (%s)%n%n",
                LabelEfficiency.formatFraction(g.fraction()), g.protocol().id()));
        md.append(String.format(Locale.ROOT, "| hard | hard+fallback | soft-dot | soft-cos | soft-prop |%n|---:|---:|---:|---:|---:|%n"
                        + "| %s | %s | %s | %s | %s |%n%n",
                pct(g.hard()), pct(g.fallback()), pct(g.softDot()), pct(g.softCos()), pct(g.softProp())));
        md.append(String.format(Locale.ROOT, "With n=%d labels, on average %.1f components received a label; %.1f%% of the "
                        + "evaluated points have their argmax in a component no label reached. The study's hard rule calls all "
                        + "of them class 0, which is where most of the gap comes from; hard+fallback decodes exactly those "
                        + "points softly instead, and soft decoding uses every component's share of the posterior, so "
                        + "neighbouring labeled components still vote. soft-prop lets a labeled component also vote for the "
                        + "components the unlabeled images place next to it, which is what names most unreached ones.%n%n",
                g.n(), g.reachedClusters(), 100 * g.unreachedShare()));
        if (g.example() != null && !g.example().isBlank())
            md.append("One disagreement, as `gmvae explain` shows it:\n\n```\n").append(g.example().strip()).append("\n```\n\n");
    }

    private static void bounds(StringBuilder md, ExperimentReport r) {
        CoverageBounds.Equal e = r.equal();
        md.append("## Coverage bounds\n\n");
        md.append(String.format(Locale.ROOT, "How many labels before every one of K=%d components has one, N=%d, confidence "
                + "1−δ = %.0f%%.%n%n", e.k(), e.n(), 100 * (1 - e.delta())));
        md.append("| case | labels | fraction |\n|---|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| pure, equal, hand-picked (K) | %d | %s |%n", e.handPicked(), LabelEfficiency.formatFraction(e.handPickedFraction())));
        md.append(String.format(Locale.ROOT, "| random, equal clusters, exact (inclusion–exclusion) | %d | %s |%n", e.exact(), LabelEfficiency.formatFraction(e.exactFraction())));
        md.append(String.format(Locale.ROOT, "| random, equal clusters, K·ln(K/δ) bound | %d | %s |%n", e.unionBound(), LabelEfficiency.formatFraction(e.unionBoundFraction())));
        if (r.actual() != null) {
            CoverageBounds.Actual a = r.actual();
            md.append(String.format(Locale.ROOT, "| random, actual sizes (%d non-empty, smallest %d): lower bound (smallest cluster, Bonferroni) | %d | %s |%n",
                    a.nonEmpty(), a.smallestCluster(), a.lowerBound(), LabelEfficiency.formatFraction(a.lowerFraction())));
            md.append(String.format(Locale.ROOT, "| random, actual sizes: Monte Carlo (%d trials) | %d | %s |%n", a.trials(), a.monteCarlo(), LabelEfficiency.formatFraction(a.monteCarloFraction())));
            md.append(String.format(Locale.ROOT, "| random, actual sizes: upper bound (union) | %d | %s |%n", a.upperBound(), LabelEfficiency.formatFraction(a.upperFraction())));
        }
        md.append("\nEqual clusters: exact P(all covered) = Σ_j (−1)^j C(K,j)(1−j/K)^n in exact integer arithmetic. Unequal "
                + "sizes: the union bound Σ_c(1−p_c)^n ≤ δ is sufficient, the smallest cluster alone and the second Bonferroni "
                + "inequality give a size below which 1−δ is impossible, and a seeded Monte Carlo of the coverage time "
                + "estimates the answer itself (a sample quantile, so it can stray slightly outside tight bounds). "
                + "Draws are modelled with replacement; drawing distinct points covers at least as well, so these are upper "
                + "bounds for the real protocol.\n\n");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
