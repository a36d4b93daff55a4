package gmvae4j.cli;

import gmvae4j.io.TerminalText;
import gmvae4j.engine.eval.ClusterGraph;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.eval.LabelSelection;
import gmvae4j.engine.eval.Rows;
import gmvae4j.engine.gmvae.Gmvae;
import gmvae4j.engine.gmvae.MixtureGmvae;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code gmvae select}: which points to label, and how much better than random that is. */
final class SelectCommand implements Command {
    @Override public String name() { return "select"; }

    @Override public String summary() { return "choose which points to label; compare with random labels of 1x and 3x the size"; }

    @Override public String usage() {
        return """
                usage: ./gmvae select --model FILE --dataset D --n N [--out FILE] [--labelmap FILE]

                Picks N points of the pool (train then test) to label: the most central member of each
                component (closest to its centre in latent space), largest components first, then the
                most ambiguous points (smallest margin between the two largest posteriors). Then scores hard, soft-dot, soft-dot+T and soft-prop decoding with those
                labels (taken from the data set, as an annotator would give them) against random labels
                of the same size and of 3x the size (mean of --draws draws), on the points left unlabeled.

                  --n N            labels to choose (default: the model's K)
                  --draws N        random draws to average (default 5, at most 1000)
                  --representative central|confident|typical   per component: the member with the largest
                                   log N(μ(x); μ_c, σ²_c) (default; mixture models), the largest q(c|x)
                                   (default for marginal models), or the posterior closest to the mean
                  --out FILE       write the chosen pool indices, one per line
                  --labelmap FILE  save the label map built from the chosen labels (for classify)
                  --force          replace an existing --out or --labelmap file
                  --data DIR, --size N   as for experiment
                """ + ImageArgs.USAGE + """

                With --images, --out lists the chosen pictures' paths. A folder where not every picture
                has a label (flat, --labels naming some) gets the pictures to label next; --labelmap
                then builds the map from the labeled ones.""";
    }

    @Override public int run(Args a) throws Exception {
        Path model = Path.of(a.required("model"));
        Integer nFlag = a.has("n") ? a.positiveInt("n", 1) : null;   // default: the model's K
        int draws = a.intIn("draws", 5, 1, Evaluation.MAX_DRAWS);
        String repFlag = a.string("representative", null);
        if (repFlag != null && !List.of("central", "confident", "typical").contains(repFlag))
            throw new UserError("--representative must be one of central|confident|typical, got '" + repFlag + "'");
        Path out = a.path("out", null);
        Path mapOut = a.path("labelmap", null);
        boolean force = a.flag("force");
        if (out != null) Outputs.checkFile("out", out, force);
        if (mapOut != null) Outputs.checkFile("labelmap", mapOut, force);
        if (out != null && mapOut != null && out.toAbsolutePath().normalize().equals(mapOut.toAbsolutePath().normalize()))
            throw new UserError("--out and --labelmap name the same file " + out);
        Gmvae m = Inputs.model(model);
        Evaluation.Data data = Inputs.data(a, null, ExperimentCommand.GLYPHS_SIZE, false, Inputs.side(m));
        a.finish();
        if (m.inputDim() != data.pool().dim())
            throw new UserError("model " + model + " expects " + m.inputDim() + " pixels per image, " + data.pool().name() + " has "
                    + data.pool().dim() + (data.images() != null ? " (set --image-size to the model's side)" : ""));
        int n = nFlag != null ? nFlag : m.k();
        int rows = data.pool().n();
        if (3L * n >= rows) throw new UserError("--n " + n + " is too large for " + rows + " images (3n must stay below it)");
        int[] truth = data.truth();
        float[] q = m.posterior(data.pool().pixels(), rows);
        if (repFlag == null) repFlag = m instanceof MixtureGmvae ? "central" : "confident";
        int[] chosen;
        if (repFlag.equals("central")) {
            if (!(m instanceof MixtureGmvae mix))
                throw new UserError("--representative central needs a mixture model (" + model + " is not); use confident or typical");
            double[] density = mix.latentLogDensity(data.pool().pixels(), rows, Rows.argmaxAll(q, rows, m.k()));
            chosen = LabelSelection.chooseByScore(q, rows, m.k(), n, density);
        } else {
            chosen = LabelSelection.choose(q, rows, m.k(), n, repFlag.equals("typical")
                    ? LabelSelection.Representative.TYPICAL : LabelSelection.Representative.CONFIDENT);
        }
        if (data.images() != null && !data.images().fullyLabeled()) return unlabeled(data.images(), m, q, chosen, out, mapOut);
        LabelSelection.Comparison c = LabelSelection.compare(q, rows, m.k(), truth, data.pool().numClasses(), chosen, draws);
        System.out.printf(Locale.ROOT, "%s, %d images, K=%d; representatives: %s; accuracy on the points left unlabeled%n%n",
                data.pool().name(), rows, m.k(), repFlag);
        System.out.printf(Locale.ROOT, "  %-28s %6s %8s %8s %10s %9s%n", "labels", "n", "hard", "soft-dot", "soft-dot+T", "soft-prop");
        line("chosen (select)", c.selected());
        line("random, same size", c.randomSame());
        line("random, 3x the size", c.randomTriple());
        System.out.printf(Locale.ROOT, "%nagainst random labels of 3x the size: hard %.1f%% vs %.1f%% (%s), soft-dot %.1f%% vs %.1f%% (%s), "
                        + "soft-dot+T %.1f%% vs %.1f%% (%s), soft-prop %.1f%% vs %.1f%% (%s)%n",
                100 * c.selected().hard(), 100 * c.randomTriple().hard(), beats(c.selected().hard(), c.randomTriple().hard()),
                100 * c.selected().soft(), 100 * c.randomTriple().soft(), beats(c.selected().soft(), c.randomTriple().soft()),
                100 * c.selected().tempered(), 100 * c.randomTriple().tempered(),
                beats(c.selected().tempered(), c.randomTriple().tempered()),
                100 * c.selected().propagated(), 100 * c.randomTriple().propagated(),
                beats(c.selected().propagated(), c.randomTriple().propagated()));
        if (out != null) {
            StringBuilder sb = new StringBuilder();
            for (int i : c.chosen()) sb.append(data.images() != null ? data.images().paths().get(i) : Integer.toString(i)).append('\n');
            gmvae4j.io.AtomicFiles.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
            System.out.println((data.images() != null ? "chosen pictures" : "chosen indices") + " written to " + TerminalText.safe(out));
        }
        if (mapOut != null) {
            int[] labels = new int[c.chosen().length];
            for (int i = 0; i < labels.length; i++) labels[i] = truth[c.chosen()[i]];
            LabelMap.fitTempered(q, m.k(), c.chosen(), labels, data.pool().numClasses())
                    .withPropagation(ClusterGraph.of(q, rows, m.k()), q, c.chosen(), labels).withClassNames(data.pool().classNames()).save(mapOut);
            System.out.println("label map written to " + TerminalText.safe(mapOut));
        }
        return 0;
    }

    /**
     * A folder without labels for every picture: the chosen pictures are the ones to label next
     * (their paths), and a label map, when asked for, comes from the labels the CSV gives.
     */
    private static int unlabeled(gmvae4j.datasets.images.ImageSet set, Gmvae m, float[] q, int[] chosen, Path out, Path mapOut)
            throws java.io.IOException {
        System.out.printf(Locale.ROOT, "%s: %d of %d pictures labeled, so there is nothing to score; the %d to label first:%n",
                set.pool().name(), set.labeledIndices().length, set.pool().n(), chosen.length);
        for (int j = 0; j < Math.min(chosen.length, 10); j++)
            System.out.println("  " + gmvae4j.io.TerminalText.safe(set.paths().get(chosen[j])));
        if (chosen.length > 10) System.out.println("  ... (" + (chosen.length - 10) + " more" + (out == null ? "; --out FILE lists all" : "") + ")");
        if (out != null) {
            StringBuilder sb = new StringBuilder();
            for (int i : chosen) sb.append(set.paths().get(i)).append('\n');
            gmvae4j.io.AtomicFiles.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
            System.out.println("chosen pictures written to " + TerminalText.safe(out));
        }
        if (mapOut != null) {
            int[] idx = set.labeledIndices();
            if (idx.length == 0) throw new UserError("--labelmap: no picture has a label yet (give --labels FILE.csv)");
            int[] labels = new int[idx.length];
            for (int i = 0; i < idx.length; i++) labels[i] = set.pool().labels()[idx[i]];
            LabelMap.fitTempered(q, m.k(), idx, labels, set.pool().numClasses())
                    .withPropagation(ClusterGraph.of(q, set.pool().n(), m.k()), q, idx, labels).withClassNames(set.pool().classNames()).save(mapOut);
            System.out.println("label map written to " + TerminalText.safe(mapOut) + " (from the " + idx.length + " labeled pictures)");
        }
        return 0;
    }

    private static String beats(double chosen, double random) { return chosen > random ? "beats" : "does not beat"; }

    private static void line(String what, LabelSelection.Accuracy acc) {
        System.out.printf(Locale.ROOT, "  %-28s %6d %7.1f%% %7.1f%% %9.1f%% %8.1f%%%n", what, acc.n(), 100 * acc.hard(),
                100 * acc.soft(), 100 * acc.tempered(), 100 * acc.propagated());
    }
}
