package gmvae4j.engine.gmvae;

import java.util.List;

/**
 * What a training run produced.
 *
 * @param model           the trained model
 * @param epochs          GMVAE epochs run in total (a resumed run counts the earlier ones; an epoch cut
 *                        short by the budget counts, and --resume continues after it)
 * @param seconds         wall time of this run
 * @param imagesPerSecond training throughput of this run: images per second over its GMVAE epochs
 *                        (over its pretraining epochs when none ran)
 * @param nonEmpty        components with at least one argmax member over the data set
 * @param purity          majority-label purity over the data set, NaN when it has no labels
 * @param table           per-component sizes, majority labels and shares (null without labels)
 * @param history         one report per epoch, pretraining included
 * @param stoppedByBudget whether the wall-clock budget ended the run early
 */
public record TrainResult(TrainableGmvae model, int epochs, double seconds, double imagesPerSecond, int nonEmpty,
                          double purity, Purity table, List<EpochReport> history, boolean stoppedByBudget) {}
