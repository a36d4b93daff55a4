package gmvae4j.label;

import gmvae4j.io.AtomicFiles;
import gmvae4j.engine.eval.ClusterGraph;
import gmvae4j.engine.eval.LabelMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The session's results as files: {@code labels.csv} (the person's answers: path,label),
 * {@code predictions.csv} (every image: path,label,score,human|model) and {@code labelmap.gmvlmap}
 * (the label map {@code classify --labelmap} reads). Each is written to the session folder
 * atomically (a reader sees the old file or the new one) and offered as a download.
 */
public final class Exports {
    public static final String LABELS = "labels.csv";
    public static final String PREDICTIONS = "predictions.csv";
    public static final String LABEL_MAP = "labelmap.gmvlmap";

    private Exports() {}

    public static byte[] labels(LabelImages images, Predictions.Fit fit) {
        StringBuilder sb = new StringBuilder("path,label\n");
        for (int i = 0; i < images.n(); i++)
            if (fit.byPerson(i)) sb.append(csv(images.id(i))).append(',').append(csv(fit.classes().get(fit.human()[i]))).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] predictions(LabelImages images, Predictions.Fit fit) {
        StringBuilder sb = new StringBuilder(images.n() * 24).append("path,label,score,source\n");
        for (int i = 0; i < images.n(); i++) {
            int l = fit.label(i);
            sb.append(csv(images.id(i))).append(',').append(l < 0 ? "" : csv(fit.classes().get(l))).append(',');
            if (fit.byPerson(i)) sb.append("1,human\n");
            else sb.append(l < 0 ? "" : String.format(Locale.ROOT, "%.4f", fit.decisions().score()[i])).append(",model\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The label map of the answers (soft-dot+T and soft-prop included), with the class names; null before any answer. */
    public static LabelMap labelMap(ModelView model, Predictions.Fit fit) {
        if (fit.map() == null) return null;
        Predictions.Answers a = Predictions.Answers.of(fit.human());
        return LabelMap.fitTempered(model.q(), model.k(), a.idx(), a.labels(), fit.classes().size())
                .withPropagation(ClusterGraph.of(model.q(), model.n(), model.k()), model.q(), a.idx(), a.labels()).withClassNames(fit.classes());
    }

    /** Writes all three into folder; returns what was written. */
    public static java.util.List<Path> writeAll(Path folder, LabelImages images, ModelView model, Predictions.Fit fit) throws IOException {
        AtomicFiles.write(folder.resolve(LABELS), labels(images, fit));
        AtomicFiles.write(folder.resolve(PREDICTIONS), predictions(images, fit));
        LabelMap map = labelMap(model, fit);
        if (map == null) return java.util.List.of(folder.resolve(LABELS), folder.resolve(PREDICTIONS));
        map.save(folder.resolve(LABEL_MAP));
        return java.util.List.of(folder.resolve(LABELS), folder.resolve(PREDICTIONS), folder.resolve(LABEL_MAP));
    }

    /**
     * A CSV field: quoted when it holds a comma, quote or newline; a leading = + - @ gets a quote
     * mark in front so a spreadsheet does not run a typed class name as a formula.
     */
    static String csv(String s) {
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) s = "'" + s;
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
