package gmvae4j.engine.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * How many labels each method needs to reach a target accuracy, and how many times more than the
 * GMVAE that is (the study's "XGBoost needs 35x more labels").
 *
 * <p>The fraction needed is read off a method's mean-accuracy curve by log-linear interpolation:
 * at the first grid fraction f_i whose mean reaches the target A, with f_{i-1} the one before,
 * <pre>  log f = log f_{i-1} + (A − a_{i-1}) / (a_i − a_{i-1}) · (log f_i − log f_{i-1})</pre>
 * If already the smallest fraction reaches A the answer is "≤ f_0"; if no fraction does, it is
 * "> f_max": the grid cannot say more, and the ratio is reported as a lower bound.
 */
public final class LabelEfficiency {
    private LabelEfficiency() {}

    public enum Bound {
        /** interpolated between two grid points */
        EXACT,
        /** reached at the smallest fraction tried: at most this */
        AT_MOST,
        /** never reached: more than the largest fraction tried */
        MORE_THAN
    }

    /** The fraction a method needs, qualified by how much the grid can tell. */
    public record Need(double fraction, Bound bound) {
        public String format() {
            String f = formatFraction(fraction);
            return switch (bound) { case EXACT -> f; case AT_MOST -> "≤ " + f; case MORE_THAN -> "> " + f; };
        }
    }

    /**
     * One method's need and its ratio to the reference (GMVAE) need. ratioBound says how to read
     * the ratio: EXACT, MORE_THAN (the method never got there, so at least this), or AT_MOST.
     */
    public record Row(String method, Need need, double ratio, Bound ratioBound) {
        public String formatRatio() {
            if (Double.isNaN(ratio)) return "n/a";
            String r = String.format(java.util.Locale.ROOT, ratio >= 9.95 ? "%.0fx" : "%.1fx", ratio);
            return switch (ratioBound) { case EXACT -> r; case AT_MOST -> "≤ " + r; case MORE_THAN -> "> " + r; };
        }
    }

    /** The fraction needed to reach target on the curve (fractions ascending, NaN means = not run). */
    public static Need need(double[] fractions, double[] means, double target) {
        int prev = -1;
        for (int i = 0; i < fractions.length; i++) {
            if (Double.isNaN(means[i])) continue;
            if (means[i] >= target) {
                if (prev < 0) return new Need(fractions[i], Bound.AT_MOST);
                double a0 = means[prev], a1 = means[i];
                double l0 = Math.log(fractions[prev]), l1 = Math.log(fractions[i]);
                double t = a1 == a0 ? 1 : (target - a0) / (a1 - a0);
                return new Need(Math.exp(l0 + t * (l1 - l0)), Bound.EXACT);
            }
            prev = i;
        }
        double largest = Double.NaN;
        for (int i = fractions.length - 1; i >= 0; i--) if (!Double.isNaN(means[i])) { largest = fractions[i]; break; }
        return new Need(largest, Bound.MORE_THAN);
    }

    /** Mean accuracy of the curve at the grid fraction closest (in log scale) to f. */
    public static double meanAt(double[] fractions, double[] means, double f) {
        int best = 0;
        for (int i = 1; i < fractions.length; i++)
            if (Math.abs(Math.log(fractions[i] / f)) < Math.abs(Math.log(fractions[best] / f))) best = i;
        return means[best];
    }

    /** Every method's need for the target, and its ratio to the reference method's need. */
    public static List<Row> table(Sweep.Result result, String reference, double target) {
        Sweep.MethodResult ref = result.method(reference);
        if (ref == null) throw new IllegalArgumentException("no method named " + reference);
        Need refNeed = need(result.fractions(), ref.means(), target);
        List<Row> rows = new ArrayList<>();
        for (Sweep.MethodResult m : result.methods()) {
            Need nd = need(result.fractions(), m.means(), target);
            double ratio = Double.isNaN(nd.fraction()) || refNeed.bound() == Bound.MORE_THAN ? Double.NaN
                    : nd.fraction() / refNeed.fraction();
            Bound rb;
            if (nd.bound() == Bound.MORE_THAN) rb = Bound.MORE_THAN;
            else if (nd.bound() == Bound.AT_MOST && refNeed.bound() != Bound.AT_MOST) rb = Bound.AT_MOST;
            else if (refNeed.bound() == Bound.AT_MOST && nd.bound() != Bound.AT_MOST) rb = Bound.MORE_THAN;
            else rb = Bound.EXACT;
            if (m.name().equals(reference)) { ratio = 1; rb = Bound.EXACT; }
            rows.add(new Row(m.name(), nd, ratio, rb));
        }
        return rows;
    }

    /** 0.002 → "0.2%", 5e-5 → "0.005%". */
    public static String formatFraction(double f) {
        if (Double.isNaN(f)) return "n/a";
        double pct = f * 100;
        String s = pct >= 1 ? String.format(java.util.Locale.ROOT, "%.1f", pct)
                : String.format(java.util.Locale.ROOT, "%.2g", pct);
        if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }
}
