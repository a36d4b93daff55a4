package gmvae4j.cli;

import gmvae4j.cli.baseline.XgboostClassifier;
import gmvae4j.cli.report.ExperimentReport;
import gmvae4j.cli.report.SampleGrid;
import gmvae4j.datasets.Dataset;
import gmvae4j.engine.eval.ClusterGraph;
import gmvae4j.engine.eval.CoverageBounds;
import gmvae4j.engine.eval.Decoder;
import gmvae4j.engine.eval.Explanation;
import gmvae4j.engine.eval.LabelDraw;
import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.eval.LatentPropagation;
import gmvae4j.engine.eval.LatentPropagationMethod;
import gmvae4j.engine.eval.Rows;
import gmvae4j.engine.eval.Sweep;
import gmvae4j.engine.eval.Tempering;
import gmvae4j.engine.eval.baseline.LogisticRegression;
import gmvae4j.engine.eval.baseline.MlpClassifier;
import gmvae4j.engine.eval.baseline.PixelMethod;
import gmvae4j.engine.gmvae.Gmvae;
import gmvae4j.engine.gmvae.MixtureGmvae;
import gmvae4j.engine.gmvae.TrainableGmvae;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation half of {@code experiment} and all of {@code evaluate}: posteriors of the pool,
 * the sweep of every decoder and baseline under each protocol, the label-efficiency table, the
 * soft-vs-hard gap, cluster purity, coverage bounds and the sample grid, gathered into an
 * {@link ExperimentReport}. Each protocol's part runs on a thread of its own from {@link #start}
 * (the caller starts each as soon as its model is ready); {@link #finish} waits for them and
 * gathers the report.
 */
public final class Evaluation {

    /** At most this many random label draws per fraction (--draws): each one re-fits every decoder and baseline. */
    static final int MAX_DRAWS = 1000;

    /**
     * What to run; see the {@code experiment} usage for each option. baselineDrawsAbove: the draws
     * baselines run above the target fraction (0: all; {@link Sweep.Reach}).
     */
    public record Options(double[] fractions, int draws, boolean baselines, int baselineMaxN, int xgboostMaxN, double targetFraction,
                          double delta, long seed, boolean samples, int baselineDrawsAbove) {}

    /** The data: pool = train then test; trainCount images of train; the folder it came from (--images) or null. */
    public record Data(Dataset pool, int trainCount, gmvae4j.datasets.images.ImageSet images) {
        public Data(Dataset pool, int trainCount) { this(pool, trainCount, null); }

        public int[] truth() { return pool.labels(); }

        /** The folder's pictures as data (pool order). */
        static Data of(gmvae4j.datasets.images.ImageSet s) { return new Data(s.pool(), s.trainCount(), s); }

        /** Only the labeled pictures of a partially labeled folder, for what needs a label per image. */
        Data labeledOnly() {
            if (images == null || images.fullyLabeled()) return this;
            return of(images.labeledOnly());
        }
    }

    private final Options opt;
    private final PrintStream log;

    /** Why XGBoost does not run here, or null (also when baselines are off). */
    private final String xgbMissing;

    /** Checks once whether XGBoost loads here, and says so now, before any training or sweep. */
    public Evaluation(Options opt, PrintStream log) {
        this.opt = opt;
        this.log = log;
        this.xgbMissing = opt.baselines() ? XgboostClassifier.unavailableReason() : null;
        if (xgbMissing != null) log.println("note: " + xgbMissing + "; continuing without the xgboost baseline");
    }

    /** One protocol's share of the report: its sweep, target and gap, the posteriors, its timings. */
    public record Part(Sweep.Result sweep, ExperimentReport.Target target, ExperimentReport.Gap gap, float[] q,
                       Map<String, Double> timings) {}

    /**
     * Starts one protocol's evaluation (posteriors, the sweep, its target and gap) on a thread of its
     * own and returns at once; bad input (no labels, a model of another image size) is thrown here.
     * Why a thread per protocol: a sweep ends on a lone one-core fit (above the target each label
     * count fits XGBoost once, up to minutes at thousands of labels) and leaves the other core
     * idle, and {@code experiment}'s inductive model is trained before the pool's model: started
     * as soon as each model is ready, one protocol's work fills the other's idle core. The results
     * are the same either way: every draw's seed is fixed and every kernel gives the same bits on
     * any number of threads.
     */
    public java.util.concurrent.Future<Part> start(Data data, Sweep.Protocol protocol, Gmvae model) {
        Dataset pool = data.pool();
        if (data.truth() == null) throw new UserError(pool.name() + " has no labels: the evaluation needs them");
        if (model.inputDim() != pool.dim())
            throw new UserError("the model expects " + model.inputDim() + " pixels per image, " + pool.name() + " has " + pool.dim());
        java.util.concurrent.FutureTask<Part> task = new java.util.concurrent.FutureTask<>(() -> evaluate(data, protocol, model));
        Thread t = new Thread(task, "evaluate-" + protocol.id());
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** One protocol: posteriors of the pool, its decoders and baselines swept, the target and the gap. */
    private Part evaluate(Data data, Sweep.Protocol protocol, Gmvae model) throws Exception {
        Dataset pool = data.pool();
        int[] truth = data.truth();
        int nc = pool.numClasses();
        int k = model.k();
        Map<String, Double> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        log.printf(Locale.ROOT, "[%s] posteriors of %,d images...%n", protocol.id(), pool.n());
        float[] q, z = null;
        if (protocol == Sweep.Protocol.TRANSDUCTIVE && model instanceof MixtureGmvae mg) {
            MixtureGmvae.Encoding both = mg.encodeAll(pool.pixels(), pool.n());   // q(c|x) and latent-prop's μ(x): one encoder pass
            q = both.posterior();
            z = both.means();
        } else q = model.posterior(pool.pixels(), pool.n());
        timings.put("posteriors (" + protocol.id() + ")", secs(t0));

        List<Sweep.Method> methods = new ArrayList<>();
        // the neighbourhood graph comes from the images labels are drawn from, never the test split
        int candidates = protocol == Sweep.Protocol.TRANSDUCTIVE ? pool.n() : data.trainCount();
        ClusterGraph graph = ClusterGraph.of(q, candidates, k);
        for (Decoder d : Decoder.all(graph)) methods.add(Sweep.decoderMethod(d, q, k, nc));
        if (protocol == Sweep.Protocol.TRANSDUCTIVE && model instanceof TrainableGmvae tm) {
            long tz = System.nanoTime();
            if (z == null) z = tm.latentMeans(pool.pixels(), pool.n());
            methods.add(LatentPropagationMethod.of(q, k, nc, z, pool.n(), tm instanceof MixtureGmvae mg ? mg.precisionFactors() : null));
            timings.put("latent neighbours (" + protocol.id() + ")", secs(tz));
        }
        String reference = methods.stream().anyMatch(m -> m.name().equals(LatentPropagationMethod.NAME))
                ? LatentPropagationMethod.NAME : "soft-dot";
        double tf = closest(opt.fractions(), opt.targetFraction());
        if (opt.baselines()) {
            methods.add(new PixelMethod(LogisticRegression::new, pool.pixels(), pool.dim(), nc, opt.baselineMaxN(), true));
            methods.add(new PixelMethod(MlpClassifier::new, pool.pixels(), pool.dim(), nc, opt.baselineMaxN(), true));
            if (xgbMissing == null)
                methods.add(new PixelMethod(XgboostClassifier::new, pool.pixels(), pool.dim(), nc,
                        Math.min(opt.baselineMaxN(), opt.xgboostMaxN()), false));
        }
        t0 = System.nanoTime();
        Sweep.Result r = Sweep.run(protocol, truth, data.trainCount(), opt.fractions(), opt.draws(), methods,
                new ProgressLine(protocol, opt, log), new Sweep.Reach(reference, tf, opt.baselineDrawsAbove()));
        timings.put("sweep (" + protocol.id() + ")", secs(t0));
        for (Sweep.MethodResult m : r.methods())
            timings.put("  " + m.name() + " (" + protocol.id() + ")", m.seconds());

        Sweep.MethodResult ref = r.method(reference);
        double target = LabelEfficiency.meanAt(r.fractions(), ref.means(), opt.targetFraction());
        return new Part(r, new ExperimentReport.Target(protocol, reference, tf, target, LabelEfficiency.table(r, reference, target)),
                gap(r, q, k, truth, nc, data, tf, pool.classNames()), q, timings);
    }

    /**
     * The report from every protocol's part (waited for, in the order of {@code models}): the
     * clusters of the transductive model where there is one, coverage bounds, the sample grid.
     */
    public ExperimentReport finish(Data data, Map<Sweep.Protocol, Gmvae> models, Map<Sweep.Protocol, java.util.concurrent.Future<Part>> started,
                                   Map<String, String> settings, Map<String, Double> timings, List<String> notes) throws Exception {
        Dataset pool = data.pool();
        int[] truth = data.truth();
        int nc = pool.numClasses();
        List<Sweep.Result> sweeps = new ArrayList<>();
        List<ExperimentReport.Target> targets = new ArrayList<>();
        List<ExperimentReport.Gap> gaps = new ArrayList<>();
        notes = new ArrayList<>(notes);
        settings = new LinkedHashMap<>(settings);
        timings = new LinkedHashMap<>(timings);
        notes.addAll(notes());

        int[] clusterSizes = null, clusterMajority = null;
        int[][] majorityCounts = null;
        Gmvae any = null; // some model, for K and the sample grid (the transductive one when present)
        float[] qForClusters = null;
        for (Map.Entry<Sweep.Protocol, Gmvae> e : models.entrySet()) {
            Sweep.Protocol protocol = e.getKey();
            Part part = gmvae4j.engine.eval.Futures.join(started.get(protocol));
            if (any == null || protocol == Sweep.Protocol.TRANSDUCTIVE) any = e.getValue();
            if (qForClusters == null || protocol == Sweep.Protocol.TRANSDUCTIVE) qForClusters = part.q();
            timings.putAll(part.timings());
            sweeps.add(part.sweep());
            targets.add(part.target());
            gaps.add(part.gap());
        }

        if (qForClusters != null) {
            int k = any.k();
            int[] arg = Rows.argmaxAll(qForClusters, pool.n(), k);
            int[][] counts = new int[k][nc];
            for (int i = 0; i < arg.length; i++) counts[arg[i]][truth[i]]++;
            majorityCounts = counts;
            clusterSizes = new int[k];
            clusterMajority = new int[k];
            for (int c = 0; c < k; c++) {
                clusterSizes[c] = Arrays.stream(counts[c]).sum();
                clusterMajority[c] = Arrays.stream(counts[c]).max().orElse(0);
            }
        }
        long t0 = System.nanoTime();
        CoverageBounds.Equal equal = CoverageBounds.equal(any.k(), pool.n(), opt.delta());
        CoverageBounds.Actual actual = null;
        if (clusterSizes != null) {
            long[] sizes = Arrays.stream(clusterSizes).asLongStream().toArray();
            actual = CoverageBounds.actual(sizes, opt.delta(), 1000, opt.seed());
        }
        timings.put("coverage bounds", secs(t0));

        java.awt.image.BufferedImage samples = null;
        if (opt.samples() && majorityCounts != null) {
            t0 = System.nanoTime();
            int[] shown = largest(clusterSizes, 30);
            String[] names = new String[shown.length];
            for (int i = 0; i < shown.length; i++) {
                int c = shown[i], best = 0;
                for (int l = 1; l < nc; l++) if (majorityCounts[c][l] > majorityCounts[c][best]) best = l;
                names[i] = "'" + pool.classNames().get(best) + "'";
            }
            // next to each component's samples, its most probable real members from the data
            byte[][] real = new byte[shown.length][];
            for (int i = 0; i < shown.length; i++) {
                int[] m = SampleCommand.members(qForClusters, pool.n(), any.k(), shown[i], 8);
                real[i] = new byte[m.length * pool.dim()];
                for (int j = 0; j < m.length; j++) System.arraycopy(pool.pixels(), m[j] * pool.dim(), real[i], j * pool.dim(), pool.dim());
            }
            samples = SampleGrid.render(any, shown, names, 8, (int) Math.round(Math.sqrt(pool.dim())), 2, opt.seed(), real);
            timings.put("sample grid", secs(t0));
        }
        return new ExperimentReport(pool.name(), nc, settings, sweeps, targets, equal, actual, clusterSizes, clusterMajority,
                gaps, notes, timings, samples);
    }

    /** The report's notes on the methods. */
    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (xgbMissing != null) notes.add(xgbMissing + "; the xgboost row is left out.");
        else if (opt.baselines()) {
            notes.add("XGBoost fits on one core each: a label count's draws run side by side, one per core, while the other methods run, and the next count's fits start once those are done "
                    + "(1.4-1.9x the fits done against one fit on every core); the protocols' sweeps run side by side too. "
                    + "So the seconds listed for xgboost are summed over fits, and a sweep's seconds overlap the other protocol's.");
        }
        notes.add("soft-dot+T is soft-dot on tempered posteriors q^(1/T): T is chosen per draw from "
                + Arrays.toString(Tempering.GRID)
                + " by leave-one-out accuracy on the labeled points only (ties to the smaller T). soft-dot is the study's rule, T = 1.");
        notes.add("soft-prop is soft-dot with each class profile m(ℓ) propagated over the clusters' neighbourhood graph "
                + "(shared posterior mass of the unlabeled images labels are drawn from; label propagation on K nodes, "
                + "α per draw from " + Arrays.toString(ClusterGraph.ALPHAS) + " by leave-one-out accuracy on the labeled points "
                + "only, ties to the smaller α; α = 0 is soft-dot): a labeled cluster also votes for the clusters next to it.");
        notes.add("latent-prop (transductive only) is the decoder of `gmvae label`: each cluster votes with the class mix "
                + "of the labels in it, and every label also spreads to its " + LatentPropagation.NEIGHBOURS
                + " nearest neighbours in latent space (label propagation over the encoder means, nearer ones weighing more, α = "
                + LatentPropagation.ALPHA + ", " + LatentPropagation.STEPS + " steps, "
                + "labeled images kept at their label), so an impure cluster's images can take the class of the labeled "
                + "images next to them. Where it ran, the label-efficiency target and the first line quote it.");
        if (opt.baselines()) notes.add("Baselines are fitted on the labeled points only and run up to n = "
                + opt.baselineMaxN() + " labels (--baseline-max-n), XGBoost up to " + Math.min(opt.baselineMaxN(), opt.xgboostMaxN())
                + " (--xgboost-max-n); larger points are marked skipped. A baseline stops at the first label count where its "
                + "mean reaches the target (the reference decoder's accuracy at the target count): the counts after it are "
                + "marked not run, since the labels it needs lie between that point and the one before."
                + (opt.baselineDrawsAbove() > 0 && opt.baselineDrawsAbove() < opt.draws()
                        ? " Above the target count the baselines run only the first " + (opt.baselineDrawsAbove() == 1 ? "draw"
                          : opt.baselineDrawsAbove() + " draws") + " of " + opt.draws() + " (--baseline-draws): there their draws "
                          + "differ by about a point, against gaps of several to the GMVAE." : ""));
        else notes.add("Baselines were not run (--no-baselines).");
        return notes;
    }

    /** Soft vs hard at fraction f: means from the sweep, plus how many points sit in unreached clusters. */
    private ExperimentReport.Gap gap(Sweep.Result r, float[] q, int k, int[] truth, int nc, Data data, double f,
                                     List<String> names) {
        int fi = indexOf(r.fractions(), f);
        double unreached = 0, reached = 0;
        String example = null;
        for (int s = 0; s < r.draws(); s++) {
            int[] labeled = Arrays.copyOf(LabelDraw.permutation(r.candidates(), s), r.n()[fi]);
            int[] labels = new int[labeled.length];
            for (int i = 0; i < labeled.length; i++) labels[i] = truth[labeled[i]];
            LabelMap map = LabelMap.fit(q, k, labeled, labels, nc);
            int[] eval = r.protocol() == Sweep.Protocol.TRANSDUCTIVE ? Sweep.complement(labeled, truth.length)
                    : range(data.trainCount(), truth.length);
            int miss = 0;
            for (int i : eval) if (map.hardLabel(Rows.argmax(q, i * k, k)) == LabelMap.NONE) miss++;
            unreached += miss / (double) eval.length;
            reached += map.reachedClusters();
            if (s == 0) {
                for (int i : eval) {
                    Explanation e = Explanation.of(map, q, i, 3);
                    if (e.disagree() && e.softLabel() == truth[i]) { example = e.toText(names); break; }
                }
            }
        }
        return new ExperimentReport.Gap(r.protocol(), f, r.n()[fi], mean(r, "hard", fi), mean(r, "hard+fallback", fi),
                mean(r, "soft-dot", fi), mean(r, "soft-cos", fi), mean(r, "soft-prop", fi), unreached / r.draws(),
                reached / r.draws(), example);
    }

    private static double mean(Sweep.Result r, String m, int f) { return r.method(m).stats()[f].mean(); }

    static double closest(double[] fractions, double f) {
        double best = fractions[0];
        for (double x : fractions) if (Math.abs(Math.log(x / f)) < Math.abs(Math.log(best / f))) best = x;
        return best;
    }

    private static int indexOf(double[] a, double v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        throw new IllegalArgumentException("fraction " + v + " not in the sweep");
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    /** The (up to) m largest non-empty components, largest first. */
    static int[] largest(int[] sizes, int m) {
        Integer[] order = new Integer[sizes.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> sizes[b] - sizes[a]);
        return Arrays.stream(order).filter(c -> sizes[c] > 0).limit(m).mapToInt(Integer::intValue).toArray();
    }

    static double secs(long t0) { return (System.nanoTime() - t0) / 1e9; }

    /** Prints one line per (draw, fraction) once every method has reported, with an ETA. */
    private static final class ProgressLine implements Sweep.Listener {
        private final Sweep.Protocol protocol;
        private final Options opt;
        private final PrintStream log;
        private final StringBuilder line = new StringBuilder();
        private final long start = System.nanoTime();
        private int steps, maxDraw = -1;
        private double sec, lastFraction = -1;

        ProgressLine(Sweep.Protocol protocol, Options opt, PrintStream log) {
            this.protocol = protocol;
            this.opt = opt;
            this.log = log;
        }

        @Override public void done(String method, double fraction, int draw, int n, double accuracy, double seconds) {
            line.append(String.format(Locale.ROOT, " %s %.1f", method, 100 * accuracy));
            sec += seconds;
        }

        @Override public void step(int draw, double fraction, int n) {
            if (fraction != lastFraction) { lastFraction = fraction; maxDraw = -1; }
            if (draw > maxDraw) { steps++; maxDraw = draw; }   // a draw's late results (the one-core methods') are not another draw
            if (line.isEmpty()) return;
            int total = opt.fractions().length * opt.draws();
            double elapsed = secs(start);
            log.printf(Locale.ROOT, "[%s] draw %d/%d, %s (n=%d):%s  [%.1fs, ETA %.0fs]%n", protocol.id(), draw + 1,
                    opt.draws(), LabelEfficiency.formatFraction(fraction), n, line, sec, elapsed / steps * (total - steps));
            line.setLength(0);
            sec = 0;
        }
    }
}
