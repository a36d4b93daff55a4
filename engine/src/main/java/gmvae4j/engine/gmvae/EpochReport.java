package gmvae4j.engine.gmvae;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One epoch's figures.
 *
 * @param phase         {@code pretrain} or {@code train}
 * @param epoch         1-based epoch within the phase
 * @param epochs        epochs planned in the phase
 * @param terms         each loss term averaged per image, by name ({@code total} included), in ELBO order
 * @param nonEmpty      components with at least one argmax member (-1 while pretraining)
 * @param purity        majority-label purity, NaN without labels or while pretraining
 * @param lr            learning rate used
 * @param imagesPerSecond training throughput of the epoch
 * @param seconds       wall time of the whole run so far
 * @param etaSeconds    estimated seconds to the end of the run
 */
public record EpochReport(String phase, int epoch, int epochs, Map<String, Double> terms, int nonEmpty, double purity,
                          double lr, double imagesPerSecond, double seconds, double etaSeconds) {

    /** The progress line: every loss term, non-empty components, purity, lr, images/s, ETA. */
    public String line() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %d/%d", phase, epoch, epochs));
        for (Map.Entry<String, Double> e : terms.entrySet())
            sb.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue()));
        if (nonEmpty >= 0) sb.append(" | nonempty ").append(nonEmpty);
        if (!Double.isNaN(purity)) sb.append(String.format(Locale.ROOT, " purity %.4f", purity));
        sb.append(String.format(Locale.ROOT, " | lr %.2e %.0f img/s %s elapsed, ETA %s",
                lr, imagesPerSecond, duration(seconds), duration(etaSeconds)));
        return sb.toString();
    }

    static String duration(double s) {
        if (!Double.isFinite(s)) return "?";
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }

    /** A copy of the terms map that later changes cannot touch. */
    static Map<String, Double> copy(Map<String, Double> m) { return new LinkedHashMap<>(m); }
}
