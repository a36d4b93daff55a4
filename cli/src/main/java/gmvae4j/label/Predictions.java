package gmvae4j.label;

import gmvae4j.engine.eval.Decisions;
import gmvae4j.engine.eval.HardDecoder;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.eval.LeaveOneOut;
import java.util.List;

/**
 * The model's decision for every image given the person's answers so far: soft-dot decoding
 * with a label map fitted to the answers, refined along the latent neighbour graph where the
 * model has one ({@link gmvae4j.engine.eval.LatentPropagation}); an image a person named keeps
 * that name. Refitted at
 * the end of each round (and when a page asks for a view that needs fresh ones), not after every
 * answer, so an answer costs a journal line and not a pass over every image.
 */
public final class Predictions {
    /** A fit: which map, the decisions it gives, and the hard decoder's view of them. */
    public record Fit(long version, LabelMap map, Decisions decisions, int[] hard, int[] human, List<String> classes) {
        /** The label of image i: the person's, else the model's; -1 before any answer. */
        public int label(int i) { return human[i] >= 0 ? human[i] : decisions == null ? -1 : decisions.label()[i]; }

        public boolean byPerson(int i) { return human[i] >= 0; }
    }

    /** The answered images and their classes, as the engine's label maps take them. */
    public record Answers(int[] idx, int[] labels) {
        public static Answers of(int[] human) {
            int n = 0;
            for (int h : human) if (h >= 0) n++;
            int[] idx = new int[n], lab = new int[n];
            for (int i = 0, j = 0; i < human.length; i++) if (human[i] >= 0) { idx[j] = i; lab[j++] = human[i]; }
            return new Answers(idx, lab);
        }
    }

    private Predictions() {}

    /** Fits the answers in human (class per image, -1 none) over the model's posteriors. */
    public static Fit fit(ModelView model, int[] human, List<String> classes, long version) {
        int n = model.n();
        Answers a = Answers.of(human);
        int[] idx = a.idx(), lab = a.labels();
        if (idx.length == 0 || classes.isEmpty()) return new Fit(version, null, null, null, human, classes);
        LabelMap map = LabelMap.fit(model.q(), model.k(), idx, lab, classes.size()).withClassNames(classes);
        Decisions d = model.neighbours() == null ? Decisions.softDot(map, model.q(), n)
                : gmvae4j.engine.eval.LatentPropagation.decide(map, model.q(), model.neighbours(), idx, lab);
        int[] hard = new int[n];
        HardDecoder hd = new HardDecoder();
        for (int i = 0; i < n; i++) hard[i] = map.hardLabel(model.component()[i]) == LabelMap.NONE ? -1 : hd.predict(map, model.q(), i * model.k());
        return new Fit(version, map, d, hard, human, classes);
    }

    /**
     * The estimated accuracy of the rule {@link #fit} decides by: leave-one-out over the answers
     * about a component's most central image (round 1's questions, or a whole cluster labeled at
     * once), each decoded by the rule fitted to every other answer. Soft-dot's for a model without
     * neighbours, latent propagation's with them. NaN before any such answer.
     *
     * <p>Why those answers only: they are one typical image per cluster, while every later question
     * is one of the least certain images on purpose, so leaving those out measures the hard cases
     * alone. Over all answers the estimate fell as a person labeled more, while the labels got
     * better (MNIST pool, 200-epoch model, {@code label --simulate}: 99.0% at 100 answers, 78.0% at
     * 200, 68.0% at 300, the labels' accuracy 97.67, 97.98 and 98.11%). Over round 1's answers it
     * reads 99.0, 99.0 and 100.0%: optimistic by about two points, as typical images are the
     * easiest to name, against thirty points pessimistic.
     *
     * <p>Soft-dot's costs one pass over the answers; latent propagation's up to
     * {@link LeaveOneOut#MAX_FOLDS} propagations over every image (seconds for 70,000 images), so
     * the server computes it off the answer's path.
     */
    public static double estimate(ModelView model, int[] human, int numClasses) {
        Answers a = Answers.of(human);
        if (a.idx().length == 0 || numClasses == 0) return Double.NaN;
        boolean[] central = new boolean[a.idx().length];
        for (int j = 0; j < central.length; j++) central[j] = model.isMostCentral(a.idx()[j]);
        return model.neighbours() == null ? LeaveOneOut.softDotAccuracy(model.q(), model.k(), a.idx(), a.labels(), numClasses, central)
                : LeaveOneOut.latentPropagationAccuracy(model.q(), model.k(), model.neighbours(), a.idx(), a.labels(), numClasses, central);
    }
}
