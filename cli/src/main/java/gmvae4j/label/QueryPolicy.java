package gmvae4j.label;

import gmvae4j.engine.eval.UncertainQueries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which image to ask about next, batch by batch.
 *
 * <ul>
 *   <li>Round 1: the most central image of every component that has no answer yet, largest
 *       components first: one label names a whole cluster, and a central member names it best
 *       (measured by {@code select}: central labels of K beat random labels of 3K).</li>
 *   <li>Later rounds: the least certain decisions (smallest margin between the two best class
 *       scores), at most one per component ({@link UncertainQueries}); with the latent graph,
 *       weighted by how crowded each image's neighbourhood is
 *       ({@link UncertainQueries#densityWeighted}).</li>
 * </ul>
 * From a view of a sample of the images ({@link ModelView#ofSample}) only round 1 is asked.
 * A batch is fixed when it starts; an image answered or skipped meanwhile (another tab, a
 * cluster action) is passed over. The next batch needs the predictions refitted over every
 * image (about a second for 70,000 images on a loaded machine): it is prepared in the
 * background as soon as the last question of a batch is asked, with the answers up to then,
 * so no answer waits for it.
 */
public final class QueryPolicy {
    private final ModelView model;
    private final int batchSize;
    private int round;
    private int[] batch = new int[0];
    private int pos;
    private java.util.concurrent.CompletableFuture<int[]> prepared;

    private final boolean background;
    /** An image to ask before round 1's own (-1: none). */
    private final int askFirst;

    /** background: prepare the next batch on another thread (the server) or not (the simulation, which must be reproducible). */
    public QueryPolicy(ModelView model, int batchSize, boolean background) {
        this(model, batchSize, background, -1);
    }

    /**
     * ... taking over from a policy on a sample's view: askFirst, the image that one asks now (a
     * person may be typing its name: the page must not swap it under them), opens round 1, and
     * its component needs no other round-1 question.
     */
    public QueryPolicy(ModelView model, int batchSize, boolean background, int askFirst) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive");
        this.model = model;
        this.batchSize = batchSize;
        this.background = background;
        this.askFirst = askFirst;
    }

    /** The current round, 1-based (0 before the first question). */
    public synchronized int round() { return round; }

    /**
     * The next image to ask about, or -1 when none is left. {@code settled} marks images answered
     * or skipped; {@code fresh} refits the predictions when a new later-round batch needs them.
     */
    public synchronized int next(boolean[] settled, int[] human, java.util.function.Supplier<Predictions.Fit> fresh) {
        while (true) {
            while (pos < batch.length) {
                int i = batch[pos];
                if (!settled[i]) {
                    if (background && pos == batch.length - 1 && prepared == null && model.complete()) prepare(settled, fresh);
                    return i;
                }
                pos++;
            }
            int[] b = round == 0 ? firstRound(settled, human) : null;
            if ((b == null || b.length == 0) && !model.complete()) return -1;   // later rounds weigh every image's decision
            if (b == null || b.length == 0) {
                b = prepared != null ? prepared.join() : uncertain(settled, fresh);
                prepared = null;
                // Prepared before the last answer: drop what got settled since (at worst a smaller batch).
                b = Arrays.stream(b).filter(i -> !settled[i]).toArray();
                if (b.length == 0 && round > 0) b = uncertain(settled, fresh);
            }
            if (b.length == 0) return -1;
            round++;
            batch = b;
            pos = 0;
        }
    }

    /** Starts choosing the next later-round batch from a snapshot of what is settled now. */
    private void prepare(boolean[] settled, java.util.function.Supplier<Predictions.Fit> fresh) {
        boolean[] snapshot = settled.clone();
        prepared = java.util.concurrent.CompletableFuture.supplyAsync(() -> uncertain(snapshot, fresh));
    }

    private int[] uncertain(boolean[] settled, java.util.function.Supplier<Predictions.Fit> fresh) {
        Predictions.Fit f = fresh.get();
        if (f.decisions() == null) return new int[0];
        float[] margin = f.decisions().margin();
        // With the latent graph, doubtful images in crowds first (a crowd of another class inside a cluster).
        float[] key = model.neighbours() == null ? margin
                : UncertainQueries.densityWeighted(margin, model.component(), model.neighbours(),
                        Math.min(gmvae4j.engine.eval.LatentPropagation.NEIGHBOURS, model.neighbours().knn()) - 1);
        return UncertainQueries.next(key, model.component(), settled, batchSize);
    }

    /** The images of the current batch not yet settled, in order (for the page's "next up"). */
    public synchronized int[] pending(boolean[] settled) {
        return Arrays.stream(batch, pos, batch.length).filter(i -> !settled[i]).toArray();
    }

    private int[] firstRound(boolean[] settled, int[] human) {
        boolean[] named = new boolean[model.k()];
        for (int i = 0; i < human.length; i++) if (human[i] >= 0 && model.component()[i] >= 0) named[model.component()[i]] = true;
        List<Integer> out = new ArrayList<>();
        if (askFirst >= 0 && !settled[askFirst]) {
            out.add(askFirst);
            if (model.component()[askFirst] >= 0) named[model.component()[askFirst]] = true;
        }
        List<Integer> comps = new ArrayList<>();
        for (int c = 0; c < model.k(); c++) if (!named[c] && model.size()[c] > 0) comps.add(c);
        comps.sort(Comparator.comparingInt((Integer c) -> -model.size()[c]).thenComparingInt(c -> c));
        for (int c : comps)
            for (int i : model.members(c)) if (!settled[i]) { out.add(i); break; }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
