package gmvae4j.engine.gmvae;

/**
 * What training reports while it runs. All methods have empty defaults: implement what you show.
 * Called on the training thread; keep them cheap.
 */
public interface ProgressListener {

    /** A one-line note (initialisation results, re-seeded components, budget reached, ...). */
    default void message(String line) {}

    /** Within an epoch, after each mini-batch: {@code phase} is {@code pretrain} or {@code train}. */
    default void batch(String phase, int epoch, int epochs, int done, int total, double imagesPerSecond) {}

    /** After each epoch (pretraining included). */
    default void epoch(EpochReport report) {}

    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {};
}
