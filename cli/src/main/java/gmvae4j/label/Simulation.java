package gmvae4j.label;

import gmvae4j.engine.eval.LabelDraw;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.eval.Similarity;
import gmvae4j.engine.eval.SoftDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --simulate}: the labeling loop with the true labels as the person (an oracle that
 * answers every question right), to measure what the query policy buys. After every round:
 * the answers spent and the accuracy of the resulting labels on all images (the answered ones
 * carry their answer, the rest the model's decision), beside random labels of the same count
 * decoded by soft-dot (mean over draws).
 */
public final class Simulation {
    /** One round's figures. */
    public record Point(int round, int answers, double accuracy, double randomSoftDot, double looEstimate) {}

    private Simulation() {}

    public static List<Point> run(ModelView model, int[] truth, List<String> names, int answers, int batch, int draws,
                                  java.util.function.Consumer<Point> each) {
        if (truth == null) throw new IllegalArgumentException("--simulate needs images with true labels");
        int n = model.n();
        int[] human = new int[n];
        Arrays.fill(human, -1);
        boolean[] settled = new boolean[n];
        QueryPolicy policy = new QueryPolicy(model, batch, false);
        List<Point> out = new ArrayList<>();
        // The oracle's answers are the true classes; the class list grows as classes are met, as a person's would.
        List<String> classes = new ArrayList<>();
        int[] classOf = new int[names.size()];
        Arrays.fill(classOf, -1);
        int spent = 0, lastRound = 0;
        long version = 0;
        Predictions.Fit[] fit = {null};
        long[] fitVersion = {-1};
        while (spent < answers) {
            long v = version;
            int next = policy.next(settled, human, () -> {
                if (fitVersion[0] != v) { fit[0] = Predictions.fit(model, human.clone(), List.copyOf(classes), v); fitVersion[0] = v; }
                return fit[0];
            });
            if (next < 0) break;
            if (policy.round() != lastRound && lastRound > 0) out.add(report(model, truth, human, classes, classOf, lastRound, spent, draws, each));
            lastRound = policy.round();
            int t = truth[next];
            if (classOf[t] < 0) { classOf[t] = classes.size(); classes.add(names.get(t)); }
            human[next] = classOf[t];
            settled[next] = true;
            spent++;
            version++;
        }
        out.add(report(model, truth, human, classes, classOf, lastRound, spent, draws, each));
        return out;
    }

    private static Point report(ModelView model, int[] truth, int[] human, List<String> classes, int[] classOf, int round,
                                int spent, int draws, java.util.function.Consumer<Point> each) {
        Predictions.Fit f = Predictions.fit(model, human.clone(), List.copyOf(classes), -1);
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            int l = f.label(i);
            if (l >= 0 && l == classOf[truth[i]]) right++;
        }
        Point p = new Point(round, spent, right / (double) truth.length, random(model, truth, spent, draws),
                Predictions.estimate(model, human, classes.size()));
        each.accept(p);
        return p;
    }

    /** Soft-dot with {@code count} random true labels, accuracy on all images (the labeled ones count as right), mean over draws. */
    static double random(ModelView model, int[] truth, int count, int draws) {
        int n = truth.length, nc = 0;
        for (int t : truth) nc = Math.max(nc, t + 1);
        double sum = 0;
        SoftDecoder dec = new SoftDecoder(Similarity.DOT);
        for (int d = 0; d < draws; d++) {
            int[] idx = Arrays.copyOf(LabelDraw.permutation(n, d), count);
            int[] lab = new int[count];
            boolean[] known = new boolean[n];
            for (int i = 0; i < count; i++) { lab[i] = truth[idx[i]]; known[idx[i]] = true; }
            LabelMap map = LabelMap.fit(model.q(), model.k(), idx, lab, nc);
            int right = 0;
            for (int i = 0; i < n; i++) if (known[i] || dec.predict(map, model.q(), i * model.k()) == truth[i]) right++;
            sum += right / (double) n;
        }
        return sum / draws;
    }
}
