package gmvae4j.engine.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The label-efficiency sweep: for every labeled fraction and every random draw, give each method
 * the same labeled points and measure its accuracy on the points it must predict.
 *
 * <p>Items are indexed 0..N-1 in one space, train first then test (the order of
 * {@code Split.POOL}). Two protocols:
 * <ul>
 *   <li>{@link Protocol#TRANSDUCTIVE} (the study's): labels are drawn from all N items and
 *       accuracy is measured on the N − n others;</li>
 *   <li>{@link Protocol#INDUCTIVE}: labels are drawn from the first {@code trainCount} items
 *       (the train split) and accuracy is measured on the test split.</li>
 * </ul>
 * n = round(f · candidates) ({@link LabelDraw}); draw s uses seed s.
 *
 * <p>Fractions run in the given order, every draw of one before the next, so that a method which
 * {@linkplain Method#stopsOncePast stops once past} a reference can stop: with a {@link Reach},
 * once the reference decoder's mean at the target fraction is known and the method's mean at
 * some fraction has reached it, the method is not run at the larger fractions (they read
 * "not run"). The label-efficiency ratio needs exactly the measured points up to that crossing
 * (it interpolates between the last one below and the first one above); past it a baseline's
 * fits, the slow part of a sweep, would only say what is already known.
 *
 * <p>Everything runs on the calling thread except the draws of a method whose fits use one core
 * ({@link Method#oneCore}: XGBoost's): those of a fraction start on side threads, one per core,
 * once the previous fraction's other work is done (one fraction ahead), and are collected after
 * the fraction's own other work. Each such call's seed is fixed when it is prepared, in the order
 * above, so the results are those of the one-thread order; fits started ahead for a method that
 * then stops are dropped.
 */
public final class Sweep {

    /** The study's fractions of labeled points. */
    public static final double[] STUDY_FRACTIONS = {5e-5, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 7e-2, 1e-1, 5e-1};

    public enum Protocol {
        TRANSDUCTIVE, INDUCTIVE;

        public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** Something that turns labeled points into predictions: a decoder over q(c|x), or a baseline. */
    public interface Method {
        String name();

        /** Why this method does not run with n labels (too expensive, ...), or null when it does. */
        default String skipReason(int n) { return null; }

        /**
         * Whether the sweep may stop running this method at larger fractions once its mean accuracy
         * has reached the {@link Reach} reference (the baselines: slow, and only read up to there).
         */
        default boolean stopsOncePast() { return false; }

        /** Predicted class of every item of evalIdx, having seen labels[i] for item labeledIdx[i]. */
        int[] predict(int[] labeledIdx, int[] labels, int[] evalIdx) throws Exception;

        /**
         * Whether this method's fits with n labels keep one core busy and no more (XGBoost's small
         * fits): the sweep then runs its draws of a fraction side by side, on other threads while
         * the other methods run, instead of leaving a core idle.
         */
        default boolean oneCore(int n) { return false; }

        /**
         * {@link #predict}, to be run later, possibly on another thread: whatever the call order
         * decides (a seed) is decided here, in the sweep's order, so results do not depend on
         * which call finished first.
         */
        default java.util.concurrent.Callable<int[]> prepare(int[] labeledIdx, int[] labels, int[] evalIdx) {
            return () -> predict(labeledIdx, labels, evalIdx);
        }
    }

    /**
     * Progress: {@link #done} after every (method, fraction, draw) that ran, {@link #step} after
     * every (draw, fraction); the one-core methods' results come after the fraction's other draws,
     * each draw's with a step of its own.
     */
    public interface Listener {
        void done(String method, double fraction, int draw, int n, double accuracy, double seconds);

        default void step(int draw, double fraction, int n) {}
    }

    /**
     * One method's results: acc[f][s] is the accuracy at fraction f with draw s (NaN when skipped),
     * stats[f] their summary, seconds the time spent fitting and predicting, notes the skip reasons.
     */
    public record MethodResult(String name, double[][] acc, Stats[] stats, double seconds, List<String> notes) {
        public double[] means() {
            double[] m = new double[stats.length];
            for (int i = 0; i < m.length; i++) m[i] = stats[i].mean();
            return m;
        }
    }

    /** Everything one protocol produced; n[f] is the number of labels at fraction f. */
    public record Result(Protocol protocol, double[] fractions, int[] n, int draws, int candidates, int evaluated,
                         List<MethodResult> methods) {
        public MethodResult method(String name) {
            for (MethodResult m : methods) if (m.name().equals(name)) return m;
            return null;
        }
    }

    /**
     * The point methods that {@linkplain Method#stopsOncePast stop once past} it are measured up to:
     * the mean accuracy of {@code reference} at {@code targetFraction} (one of the sweep's fractions).
     * Above the target those methods run only the first {@code drawsAbove} draws (0: all of them):
     * the baselines' draws differ by about a point there (the glyphs demo, 5 draws: standard
     * deviations 0.5 to 1.5 points for logistic regression and XGBoost from 208 labels on), far less
     * than what the label-efficiency ratio reads, while their fits grow with the labels.
     */
    public record Reach(String reference, double targetFraction, int drawsAbove) {
        public Reach(String reference, double targetFraction) { this(reference, targetFraction, 0); }

        public Reach {
            if (drawsAbove < 0) throw new IllegalArgumentException("drawsAbove must be 0 (all) or positive, got " + drawsAbove);
        }
    }

    private Sweep() {}

    /** {@link #run(Protocol, int[], int, double[], int, List, Listener, Reach)} with every method at every fraction. */
    public static Result run(Protocol protocol, int[] truth, int trainCount, double[] fractions, int draws,
                             List<? extends Method> methods, Listener listener) throws Exception {
        return run(protocol, truth, trainCount, fractions, draws, methods, listener, null);
    }

    /**
     * Runs every method on every (fraction, draw), fraction by fraction; with a {@code reach}, a
     * method that {@linkplain Method#stopsOncePast stops once past} it is not run at the fractions
     * after the first one where its mean reached the reference's mean at the target fraction.
     *
     * @param truth      true class of every item (train then test)
     * @param trainCount how many leading items form the train split (used by INDUCTIVE)
     * @param reach      where stopping methods stop, or null to run everything
     */
    public static Result run(Protocol protocol, int[] truth, int trainCount, double[] fractions, int draws,
                             List<? extends Method> methods, Listener listener, Reach reach) throws Exception {
        int total = truth.length;
        int candidates = protocol == Protocol.TRANSDUCTIVE ? total : trainCount;
        if (candidates <= 0) throw new IllegalArgumentException("no items to draw labels from");
        if (protocol == Protocol.INDUCTIVE && trainCount >= total)
            throw new IllegalArgumentException("inductive protocol needs a test split after the " + trainCount + " train items");
        if (draws <= 0) throw new IllegalArgumentException("draws must be positive");
        int[] n = new int[fractions.length];
        for (int f = 0; f < fractions.length; f++) {
            n[f] = LabelDraw.size(fractions[f], candidates);
            if (protocol == Protocol.TRANSDUCTIVE && n[f] >= total)
                n[f] = total - 1; // leave at least one item to evaluate on
        }
        int[] inductiveEval = null;
        if (protocol == Protocol.INDUCTIVE) {
            inductiveEval = new int[total - trainCount];
            for (int i = 0; i < inductiveEval.length; i++) inductiveEval[i] = trainCount + i;
        }
        for (int f = 1; f < fractions.length && reach != null; f++)
            if (!(fractions[f] > fractions[f - 1])) reach = null;   // "larger fractions" needs them in order
        int refMethod = -1, refFraction = -1;
        if (reach != null) {
            for (int m = 0; m < methods.size(); m++) if (methods.get(m).name().equals(reach.reference())) refMethod = m;
            for (int f = 0; f < fractions.length; f++) if (fractions[f] == reach.targetFraction()) refFraction = f;
            if (refMethod < 0 || refFraction < 0)
                throw new IllegalArgumentException("no method " + reach.reference() + " or fraction " + reach.targetFraction() + " to stop at");
        }
        double[][][] acc = new double[methods.size()][fractions.length][draws];
        double[] seconds = new double[methods.size()];
        List<List<String>> notes = new ArrayList<>();
        for (int m = 0; m < methods.size(); m++) notes.add(new ArrayList<>());
        double refAccuracy = Double.NaN;            // the reference's mean at the target, once measured
        String[] passed = new String[methods.size()]; // why a stopping method is done, once it is
        int evaluated = 0;
        boolean oneCore = false;
        for (int f = 0; f < fractions.length; f++) oneCore |= anyOneCore(methods, n[f]);
        java.util.concurrent.ExecutorService side = oneCore ? sideThreads() : null;
        // One-core methods run one fraction ahead: fraction f+1's draws go to the side threads as
        // soon as f's other work is done, before f's own one-core results are collected. Above the
        // target a baseline runs one draw per fraction, and a lone XGBoost fit of thousands of
        // labels would otherwise leave the other core idle for minutes. Whether a stopping method
        // runs f+1 at all is known only once f is collected: if f stops it, those fits are
        // cancelled and never read (their seeds come after f's, so nothing else moves).
        Draws next = null;
        java.util.concurrent.Future<Timed>[][] ahead = null;
        try {
            if (fractions.length > 0) {   // the first fraction's one-core fits have nothing to run ahead of
                next = draws(0, n, candidates, draws, truth, total, inductiveEval, methods, passed, refFraction, reach);
                ahead = submitOneCore(side, next, n[0], methods);
            }
            for (int f = 0; f < fractions.length; f++) {
                Draws cur = next;
                int[][] labeledOf = cur.labeled(), labelsOf = cur.labels(), evalOf = cur.eval();
                String[][] skipOf = cur.skip();
                java.util.concurrent.Future<Timed>[][] early = ahead;
                next = null;
                ahead = null;
                for (int s = 0; s < draws; s++) {
                    evaluated = evalOf[s].length;
                    for (int m = 0; m < methods.size(); m++) {
                        Method method = methods.get(m);
                        String skip = skipOf[m][s];
                        if (skip != null) {
                            acc[m][f][s] = Double.NaN;
                            String note = "n=" + n[f] + ": " + skip;
                            if (!notes.get(m).contains(note)) notes.get(m).add(note);
                            continue;
                        }
                        if (early[m][s] != null) continue;
                        Timed t = timed(method.prepare(labeledOf[s], labelsOf[s], evalOf[s])).call();
                        seconds[m] += t.seconds();
                        acc[m][f][s] = Rows.accuracy(t.predicted(), truth, evalOf[s]);
                        if (listener != null) listener.done(method.name(), fractions[f], s, n[f], acc[m][f][s], t.seconds());
                    }
                    if (listener != null) listener.step(s, fractions[f], n[f]);
                }
                if (f + 1 < fractions.length) {
                    next = draws(f + 1, n, candidates, draws, truth, total, inductiveEval, methods, passed, refFraction, reach);
                    ahead = submitOneCore(side, next, n[f + 1], methods);
                }
                for (int s = 0; s < draws; s++) {
                    boolean any = false;
                    for (int m = 0; m < methods.size(); m++) {
                        if (early[m][s] == null) continue;
                        Timed t = Futures.join(early[m][s]);
                        seconds[m] += t.seconds();
                        acc[m][f][s] = Rows.accuracy(t.predicted(), truth, evalOf[s]);
                        if (listener != null) listener.done(methods.get(m).name(), fractions[f], s, n[f], acc[m][f][s], t.seconds());
                        any = true;
                    }
                    if (any && listener != null) listener.step(s, fractions[f], n[f]);
                }
                if (reach == null) continue;
                if (f == refFraction) refAccuracy = Stats.of(acc[refMethod][f]).mean();
                if (Double.isNaN(refAccuracy)) continue;   // the target is not measured yet: nothing can stop
                for (int m = 0; m < methods.size(); m++) {
                    if (passed[m] != null || !methods.get(m).stopsOncePast()) continue;
                    // the first fraction where the mean reached the reference (this one, or one before the target)
                    for (int g = 0; g <= f && passed[m] == null; g++) {
                        double mean = Stats.of(acc[m][g]).mean();
                        if (mean >= refAccuracy) passed[m] = String.format(java.util.Locale.ROOT,
                                "not run: already at %.1f%% with %d labels, past %s's %.1f%% with %d", 100 * mean, n[g],
                                reach.reference(), 100 * refAccuracy, n[refFraction]);
                    }
                    if (passed[m] == null || next == null) continue;
                    for (int s = 0; s < draws; s++) {   // stopped here: the next fraction's fits started ahead are dropped
                        next.skip()[m][s] = passed[m];
                        if (ahead[m][s] != null) ahead[m][s].cancel(true);
                        ahead[m][s] = null;
                    }
                }
            }
        } finally {
            if (side != null) side.shutdownNow();
        }
        List<MethodResult> results = new ArrayList<>();
        for (int m = 0; m < methods.size(); m++) {
            Stats[] st = new Stats[fractions.length];
            for (int f = 0; f < fractions.length; f++) st[f] = Stats.of(acc[m][f]);
            results.add(new MethodResult(methods.get(m).name(), acc[m], st, seconds[m], List.copyOf(notes.get(m))));
        }
        return new Result(protocol, fractions.clone(), n, draws, candidates, evaluated, List.copyOf(results));
    }

    /** A fraction's labeled draws, what each draw evaluates on, and why a method skips a draw (null: it runs). */
    private record Draws(int[][] labeled, int[][] labels, int[][] eval, String[][] skip) {}

    private static Draws draws(int f, int[] n, int candidates, int draws, int[] truth, int total, int[] inductiveEval,
                               List<? extends Method> methods, String[] passed, int refFraction, Reach reach) {
        int[][] labeledOf = new int[draws][], labelsOf = new int[draws][], evalOf = new int[draws][];
        String[][] skipOf = new String[methods.size()][draws];
        for (int s = 0; s < draws; s++) {
            labeledOf[s] = java.util.Arrays.copyOf(LabelDraw.permutation(candidates, s), n[f]);
            labelsOf[s] = new int[labeledOf[s].length];
            for (int i = 0; i < labeledOf[s].length; i++) labelsOf[s][i] = truth[labeledOf[s][i]];
            evalOf[s] = inductiveEval != null ? inductiveEval : complement(labeledOf[s], total);
            for (int m = 0; m < methods.size(); m++) {
                Method method = methods.get(m);
                String skip = passed[m] != null ? passed[m] : method.skipReason(n[f]);
                if (skip == null && f > refFraction && refFraction >= 0 && method.stopsOncePast()
                        && reach.drawsAbove() > 0 && s >= reach.drawsAbove())
                    skip = (reach.drawsAbove() == 1 ? "draw 1" : "draws 1-" + reach.drawsAbove()) + " of " + draws
                            + " only, above the target's " + n[refFraction] + " labels";
                skipOf[m][s] = skip;
            }
        }
        return new Draws(labeledOf, labelsOf, evalOf, skipOf);
    }

    private static boolean anyOneCore(List<? extends Method> methods, int n) {
        for (Method m : methods) if (m.oneCore(n)) return true;
        return false;
    }

    /**
     * A fraction's one-core draws handed to the side threads, in the sweep's order (each call's
     * seed is fixed here); null entries for the rest.
     */
    private static java.util.concurrent.Future<Timed>[][] submitOneCore(java.util.concurrent.ExecutorService side, Draws d, int n,
                                                                         List<? extends Method> methods) {
        @SuppressWarnings("unchecked")
        java.util.concurrent.Future<Timed>[][] out = new java.util.concurrent.Future[methods.size()][d.labeled().length];
        for (int m = 0; m < methods.size(); m++) {
            if (!methods.get(m).oneCore(n)) continue;
            for (int s = 0; s < d.labeled().length; s++)
                if (d.skip()[m][s] == null)
                    out[m][s] = side.submit(timed(methods.get(m).prepare(d.labeled()[s], d.labels()[s], d.eval()[s])));
        }
        return out;
    }

    /** A method's predictions and the seconds they took (fit and predict; on a side thread, while other work shared the cores). */
    private record Timed(int[] predicted, double seconds) {}

    private static java.util.concurrent.Callable<Timed> timed(java.util.concurrent.Callable<int[]> work) {
        return () -> {
            long t0 = System.nanoTime();
            int[] p = work.call();
            return new Timed(p, (System.nanoTime() - t0) / 1e9);
        };
    }

    /** One thread per core for the one-core methods' fits (the sweep's own thread runs the others meanwhile). */
    private static java.util.concurrent.ExecutorService sideThreads() {
        return java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "gmvae-sweep-side");
            t.setDaemon(true);
            return t;
        });
    }

    /** 0..total-1 without the given indices, in increasing order. */
    public static int[] complement(int[] taken, int total) {
        boolean[] used = new boolean[total];
        for (int i : taken) used[i] = true;
        int[] out = new int[total - taken.length];
        int j = 0;
        for (int i = 0; i < total; i++) if (!used[i]) out[j++] = i;
        return out;
    }

    /** A GMVAE decoder as a sweep method: fits a {@link LabelMap} on the labeled rows of q, then decodes. */
    public static Method decoderMethod(Decoder decoder, float[] q, int k, int numClasses) {
        return new Method() {
            @Override public String name() { return decoder.name(); }

            @Override public int[] predict(int[] labeledIdx, int[] labels, int[] evalIdx) {
                return decoder.predict(decoder.fit(q, k, labeledIdx, labels, numClasses), q, evalIdx);
            }
        };
    }
}
