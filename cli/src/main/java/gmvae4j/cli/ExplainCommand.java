package gmvae4j.cli;

import gmvae4j.engine.eval.ClusterGraph;
import gmvae4j.engine.eval.Explanation;
import gmvae4j.engine.eval.LabelDraw;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.eval.PropagatedSoftDecoder;
import gmvae4j.engine.eval.TemperedSoftDecoder;
import gmvae4j.engine.gmvae.Gmvae;
import gmvae4j.io.TerminalText;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code gmvae explain}: why one image got its label. */
final class ExplainCommand implements Command {
    @Override public String name() { return "explain"; }

    @Override public String summary() { return "one image: its top components, their label profiles, hard vs soft decision and why"; }

    @Override public String usage() {
        return """
                usage: ./gmvae explain --model FILE --dataset D --index I [--labelmap FILE | --fraction F --seed S]

                Image I of the pool (train then test). The labels come from --labelmap (e.g. the one an
                experiment wrote) or, by default, from random draw --seed (default 0) of --fraction
                (default 0.002) of the pool, like the sweep's.

                  --top T          components to show (default 5)
                  --data DIR, --size N   as for experiment
                """ + ImageArgs.USAGE;
    }

    @Override public int run(Args a) throws Exception {
        Path model = Path.of(a.required("model"));
        int index = a.integer("index", -1);
        Path mapFile = a.path("labelmap", null);
        double fraction = a.number("fraction", 0.002);
        long seed = a.seed("seed", 0);
        int top = a.intIn("top", 5, 1, gmvae4j.engine.gmvae.TrainOptions.MAX_K);
        Gmvae m = Inputs.model(model);
        Evaluation.Data data = Inputs.data(a, null, ExperimentCommand.GLYPHS_SIZE, false, Inputs.side(m));
        a.finish();
        int n = data.pool().n();
        if (index < 0 || index >= n) throw new UserError("--index must be in 0.." + (n - 1) + ", got " + index);
        if (!(fraction > 0 && fraction <= 1)) throw new UserError("--fraction must be in (0, 1], got " + fraction);
        if (m.inputDim() != data.pool().dim())
            throw new UserError("model " + model + " expects " + m.inputDim() + " pixels per image, " + data.pool().name() + " has "
                    + data.pool().dim() + (data.images() != null ? " (set --image-size to the model's side)" : ""));
        if (mapFile == null && (data.truth() == null || (data.images() != null && !data.images().fullyLabeled())))
            throw new UserError(data.pool().name() + ": not every image has a label, so no random labels can be drawn; pass --labelmap FILE");
        if (data.images() != null)
            System.out.println("image " + index + ": " + gmvae4j.io.TerminalText.safe(data.images().paths().get(index)));
        int shown = index;
        LabelMap map;
        float[] q;
        if (mapFile != null) {
            map = Inputs.labelMap(mapFile);
            Inputs.checkMapFitsModel(mapFile, map, model, m);
            Inputs.checkMapFitsData(mapFile, map, data.pool());
            byte[] px = java.util.Arrays.copyOfRange(data.pool().pixels(), index * m.inputDim(), (index + 1) * m.inputDim());
            q = m.posterior(px, 1);
            index = 0;
        } else {
            q = m.posterior(data.pool().pixels(), n);
            int[] labeled = LabelDraw.draw(fraction, n, seed);
            int[] labels = new int[labeled.length];
            for (int i = 0; i < labeled.length; i++) labels[i] = data.truth()[labeled[i]];
            map = LabelMap.fitTempered(q, m.k(), labeled, labels, data.pool().numClasses())
                    .withPropagation(ClusterGraph.of(q, n, m.k()), q, labeled, labels);
            System.out.printf("labels: %d random points (fraction %s, draw %d); %d of %d components reached%n%n",
                    labeled.length, fraction, seed, map.reachedClusters(), m.k());
        }
        Explanation e = Explanation.of(map, q, index, top);
        // the classes' names: the data set's, or the map's where the pictures carry none (checked equal otherwise);
        // either may come from a file or folder name, so they reach the terminal escaped
        List<String> names = (map.classNames().isEmpty() ? data.pool().classNames() : map.classNames()).stream()
                .map(TerminalText::safe).toList();
        String text = e.toText(names).replaceFirst("^image \\d+", "image " + shown);
        System.out.print(text);
        System.out.printf(Locale.ROOT, "beyond the study: soft-dot+T (T=%s) '%s', soft-prop (α=%s) '%s'%n", map.temperature(),
                names.get(new TemperedSoftDecoder().predict(map, q, index * m.k())), map.propagationStrength(),
                names.get(new PropagatedSoftDecoder(null).predict(map, q, index * m.k())));
        if (data.truth() != null && data.truth()[shown] >= 0) System.out.println("true label: '" + names.get(data.truth()[shown]) + "'");
        return 0;
    }
}
