package gmvae4j.cli.report;

import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.Sweep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result in one sentence of label counts, what a newcomer reads first (the report's first
 * line) and last (the experiment's last stdout line):
 *
 * <pre>
 *   With 104 labels (4 per class on average) the GMVAE names 71.2% of the other 25,896 letters correctly
 *   (latent-prop, transductive); logistic regression needs about 1,300 labels for that (13x), an MLP about
 *   1,000 labels (9.6x) and XGBoost more than 832 labels (> 8.0x).
 * </pre>
 *
 * The parenthesis names the decoder quoted (latent-prop where it ran, else soft-dot) and the protocol.
 * Read from the first protocol's label-efficiency table: the reference decoder's mean accuracy at
 * the target's label count, and each pixel baseline's need on the measured sweep (log-linear
 * interpolation between grid points; "more than" the largest count it ran at when it never got
 * there, "at most" the smallest when it was there already).
 */
public final class Headline {
    private Headline() {}

    /** The sentence for the report's first target; null when it has none. */
    public static String of(ExperimentReport r) {
        if (r.targets().isEmpty()) return null;
        ExperimentReport.Target t = r.targets().get(0);
        Sweep.Result s = null;
        for (Sweep.Result x : r.sweeps()) if (x.protocol() == t.protocol()) s = x;
        if (s == null) return null;
        int fi = 0;
        for (int i = 0; i < s.fractions().length; i++) if (s.fractions()[i] == t.targetFraction()) fi = i;
        int n = s.n()[fi];
        int evaluated = s.protocol() == Sweep.Protocol.TRANSDUCTIVE ? s.candidates() - n : s.evaluated();
        String perClass = r.numClasses() > 0 && n % r.numClasses() == 0
                ? String.format(Locale.ROOT, " (%d per class on average)", n / r.numClasses())
                : " (" + LabelEfficiency.formatFraction(t.targetFraction()) + ")";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "With %,d labels%s the GMVAE names %.1f%% of the %s %,d %s correctly (%s, %s)",
                n, perClass, 100 * t.accuracy(), s.protocol() == Sweep.Protocol.TRANSDUCTIVE ? "other" : "held-out",
                evaluated, noun(r.dataset()), t.reference(), s.protocol().id()));
        List<String> parts = new ArrayList<>();
        for (LabelEfficiency.Row row : t.rows()) {
            if (!Markdown.isBaseline(row.method()) || Double.isNaN(row.need().fraction())) continue;
            parts.add(name(row.method()) + (parts.isEmpty() ? " needs " : " ") + labels(row.need(), s.candidates())
                    + (parts.isEmpty() ? " for that" : "") + " (" + row.formatRatio() + ")");
        }
        for (int i = 0; i < parts.size(); i++)
            sb.append(i == 0 ? "; " : i == parts.size() - 1 ? " and " : ", ").append(parts.get(i));
        return sb.append('.').toString();
    }

    /** "about 680 labels", "more than 1,664 labels", "at most 26 labels". */
    static String labels(LabelEfficiency.Need need, int candidates) {
        long count = count(need, candidates);
        return switch (need.bound()) {
            case EXACT -> String.format(Locale.ROOT, "about %,d labels", roundTwoDigits(count));
            case MORE_THAN -> String.format(Locale.ROOT, "more than %,d labels", count);
            case AT_MOST -> String.format(Locale.ROOT, "at most %,d labels", count);
        };
    }

    /** The label count a needed fraction stands for among the candidates labels are drawn from. */
    static long count(LabelEfficiency.Need need, int candidates) { return Math.round(need.fraction() * candidates); }

    /** 683 → 680, 1234 → 1200, 97 → 97: an interpolated count is not exact to the label. */
    static long roundTwoDigits(long v) {
        if (v < 100) return v;
        long p = (long) Math.pow(10, (long) Math.floor(Math.log10(v)) - 1);
        return Math.round((double) v / p) * p;
    }

    private static String name(String method) {
        return switch (method) {
            case "logreg" -> "logistic regression";
            case "mlp" -> "an MLP";
            case "xgboost" -> "XGBoost";
            default -> method;
        };
    }

    private static String noun(String dataset) {
        return switch (dataset) {
            case "glyphs", "emnist-letters" -> "letters";
            case "mnist" -> "digits";
            default -> "images";
        };
    }
}
