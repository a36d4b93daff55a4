package gmvae4j.cli;

import gmvae4j.engine.eval.CoverageBounds;
import gmvae4j.engine.eval.LabelEfficiency;
import gmvae4j.engine.eval.Rows;
import gmvae4j.engine.gmvae.Gmvae;
import java.nio.file.Path;
import java.util.Locale;

/** {@code gmvae bounds}: how many labels cover every cluster, in theory and with a model's actual clusters. */
final class BoundsCommand implements Command {
    @Override public String name() { return "bounds"; }

    @Override public String summary() { return "labels needed to cover all K clusters (hand-picked, random equal, actual sizes)"; }

    @Override public String usage() {
        return """
                usage: ./gmvae bounds [--k 100] [--n 145600] [--delta 0.05] [--model FILE --dataset D [--data DIR] [--size N] | --images DIR]

                  --k K          clusters (default 100, or the model's K; at most 5000)
                  --n N          points (default 145600, EMNIST Letters; or the data set's size); at least K
                  --delta D      1 - confidence (default 0.05; at most 0.5)
                  --model FILE   also bound with the model's actual cluster sizes on --dataset
                  --trials T     Monte Carlo trials for actual sizes (default 2000, at most 100000)
                  --seed S       Monte Carlo seed (default 1)""";
    }

    @Override public int run(Args a) {
        Path model = a.path("model", null);
        int k = a.intIn("k", 100, 1, CoverageBounds.MAX_K);
        int n = a.positiveInt("n", 145_600);
        double delta = a.number("delta", 0.05);
        int trials = a.intIn("trials", 2000, 1, 100_000);
        long seed = a.seed("seed", 1);
        if (!(delta > 0 && delta <= CoverageBounds.MAX_DELTA))
            throw new UserError("--delta must be in (0, " + CoverageBounds.MAX_DELTA + "] (a confidence of at least 50%), got " + delta);
        long[] sizes = null;
        if (model != null) {
            Gmvae m = Inputs.model(model);
            Evaluation.Data data = Inputs.data(a, null, ExperimentCommand.GLYPHS_SIZE, false, Inputs.side(m));
            a.finish();
            Inputs.checkModelFitsData(model, m, data.pool());
            if (!a.has("k")) k = m.k();
            if (k > CoverageBounds.MAX_K) throw new UserError("model " + model + " has K=" + k + ", above the " + CoverageBounds.MAX_K + " bounds supports");
            n = data.pool().n();
            float[] q = m.posterior(data.pool().pixels(), n);
            sizes = new long[m.k()];
            for (int c : Rows.argmaxAll(q, n, m.k())) sizes[c]++;
        } else {
            a.finish();
        }
        if (n < k) throw new UserError((sizes != null ? "the data set's " + n + " images" : "--n " + n + " points")
                + " cannot fill " + k + " clusters: N must be at least K");
        CoverageBounds.Equal e = CoverageBounds.equal(k, n, delta);
        System.out.printf(Locale.ROOT, "K=%d clusters, N=%d points, confidence %.1f%%%n%n", k, n, 100 * (1 - delta));
        row("pure, equal, hand-picked (K labels)", e.handPicked(), n);
        row("random, equal clusters, exact inclusion-exclusion", e.exact(), n);
        row("random, equal clusters, K ln(K/delta) bound", e.unionBound(), n);
        if (sizes != null) {
            CoverageBounds.Actual act = CoverageBounds.actual(sizes, delta, trials, seed);
            System.out.printf(Locale.ROOT, "%nactual cluster sizes: %d non-empty of %d, smallest %d points%n",
                    act.nonEmpty(), sizes.length, act.smallestCluster());
            row("random, actual sizes, lower bound (smallest cluster, Bonferroni)", act.lowerBound(), n);
            row("random, actual sizes, Monte Carlo (" + trials + " trials)", act.monteCarlo(), n);
            row("random, actual sizes, upper bound (union)", act.upperBound(), n);
        }
        return 0;
    }

    /**
     * One bound: labels and their share of the N points. The random-draw bounds count draws with
     * replacement, which can exceed N; labeling every point covers every cluster, so such a bound
     * says "all of them", never a share above 100%.
     */
    private static void row(String what, long labels, long n) {
        String share = labels > n ? "more than the " + n + " points: label them all" : LabelEfficiency.formatFraction(labels / (double) n);
        System.out.printf(Locale.ROOT, "  %-66s %8d labels  %s%n", what, labels, share);
    }
}
