package gmvae4j.cli.report;

import gmvae4j.engine.eval.CoverageBounds;
import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.Sweep;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * Everything one experiment or evaluation produced, ready to be written by {@link ReportWriter}.
 *
 * @param numClasses   classes of the data set (for label counts per class)
 * @param settings     what was run (data set, sizes, seeds, model), in display order
 * @param sweeps       one result per protocol
 * @param targets      the label-efficiency table of each protocol
 * @param equal        coverage bounds for K equal clusters over the pool
 * @param actual       coverage with the model's actual cluster sizes (null when unknown)
 * @param clusterSizes points per component (argmax), with clusterMajority the count of its majority class
 * @param gaps         soft-vs-hard at the target fraction, per protocol
 * @param notes        one-line remarks (a baseline that could not run, caps applied, ...)
 * @param timings      seconds per phase, in display order
 * @param samples      the component sample grid, or null
 */
public record ExperimentReport(String dataset, int numClasses, Map<String, String> settings, List<Sweep.Result> sweeps,
                               List<Target> targets, CoverageBounds.Equal equal, CoverageBounds.Actual actual,
                               int[] clusterSizes, int[] clusterMajority, List<Gap> gaps, List<String> notes,
                               Map<String, Double> timings, BufferedImage samples) {

    /** The label-efficiency table of one protocol: target accuracy = reference's mean at targetFraction. */
    public record Target(Sweep.Protocol protocol, String reference, double targetFraction, double accuracy,
                         List<LabelEfficiency.Row> rows) {}

    /**
     * Soft against hard decoding at one fraction: means over draws, the share of evaluated points
     * whose argmax cluster had no labeled point (what the study's rule calls class 0), and one
     * worked example of a disagreement.
     */
    public record Gap(Sweep.Protocol protocol, double fraction, int n, double hard, double fallback, double softDot,
                      double softCos, double softProp, double unreachedShare, double reachedClusters, String example) {}
}
