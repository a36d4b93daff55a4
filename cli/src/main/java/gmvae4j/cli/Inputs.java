package gmvae4j.cli;

import gmvae4j.datasets.DataException;
import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Split;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.gmvae.Gmvae;
import gmvae4j.engine.gmvae.GmvaeIo;
import gmvae4j.engine.gmvae.TrainableGmvae;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading the data set and model flags the evaluation commands share. */
final class Inputs {

    /** A data set as the engine trains on it (the engine does not know the datasets module). */
    static gmvae4j.engine.gmvae.TrainingImages forTraining(Dataset d) {
        // labels only feed the purity shown while training: a partly labeled folder (label -1) shows none
        int[] labels = d.labels() == null || java.util.Arrays.stream(d.labels()).anyMatch(l -> l < 0) ? null : d.labels();
        return new gmvae4j.engine.gmvae.TrainingImages(d.name(), d.pixels(), labels, d.n(), d.rows(), d.cols(),
                labels == null ? 0 : d.numClasses());
    }
    private Inputs() {}

    /** At most this many synthetic images (--size, glyphs:N): twice EMNIST Letters, 235 MB of pixels. */
    static final int MAX_GLYPHS = 300_000;

    static final String[] DATASETS = {"glyphs", "mnist", "fashion-mnist", "emnist-letters"};

    /**
     * Flags: --dataset, --data DIR, --size N (glyphs only: pool size, 5/6 train and 1/6 test), or
     * --images DIR and its flags ({@link ImageArgs}; call this after reading every other flag:
     * the folder is loaded once the flags are known to be right).
     */
    static Evaluation.Data data(Args a, String defaultDataset, int defaultGlyphs) {
        return data(a, defaultDataset, defaultGlyphs, false);
    }

    /** {@link #data(Args, String, int)}; {@code needLabels}: a folder without any label is an error before decoding. */
    static Evaluation.Data data(Args a, String defaultDataset, int defaultGlyphs, boolean needLabels) {
        return data(a, defaultDataset, defaultGlyphs, needLabels, 0);
    }

    /** ... and with {@code modelSide} > 0, pictures are converted to that model's size. */
    static Evaluation.Data data(Args a, String defaultDataset, int defaultGlyphs, boolean needLabels, int modelSide) {
        if (ImageArgs.given(a)) {
            if (a.has("size")) throw new UserError("--size only applies to --dataset glyphs");
            return Evaluation.Data.of(ImageArgs.load(a, needLabels, modelSide));
        }
        String name = a.choice("dataset", defaultDataset, DATASETS);
        if (name == null) throw new UserError("missing required flag --dataset (" + String.join("|", DATASETS) + ")");
        Path dir = a.path("data", null);
        int size = a.intIn("size", defaultGlyphs, 1, MAX_GLYPHS);
        if (a.has("size") && !name.equals("glyphs")) throw new UserError("--size only applies to --dataset glyphs");
        try {
            Dataset train, test;
            if (name.equals("glyphs")) {
                if (size < 12) throw new UserError("--size must be at least 12");
                int nTest = Math.max(1, size / 6);
                train = Glyphs.generate(size - nTest, Glyphs.TRAIN_SEED, Split.TRAIN);
                test = Glyphs.generate(nTest, Glyphs.TEST_SEED, Split.TEST);
            } else {
                train = Datasets.load(name, Split.TRAIN, dir);
                test = Datasets.load(name, Split.TEST, dir);
            }
            return new Evaluation.Data(concat(train, test), train.n());
        } catch (DataException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** train followed by test, as one pool. */
    static Dataset concat(Dataset a, Dataset b) {
        byte[] px = new byte[a.pixels().length + b.pixels().length];
        System.arraycopy(a.pixels(), 0, px, 0, a.pixels().length);
        System.arraycopy(b.pixels(), 0, px, a.pixels().length, b.pixels().length);
        int[] lb = null;
        if (a.labels() != null && b.labels() != null) {
            lb = new int[a.n() + b.n()];
            System.arraycopy(a.labels(), 0, lb, 0, a.n());
            System.arraycopy(b.labels(), 0, lb, a.n(), b.n());
        }
        return new Dataset(a.name(), Split.POOL, px, lb, a.n() + b.n(), a.rows(), a.cols(), a.classNames());
    }

    /** The side of a model's square input (0 when it is not square). */
    static int side(gmvae4j.engine.gmvae.Gmvae m) {
        int s = (int) Math.round(Math.sqrt(m.inputDim()));
        return s * s == m.inputDim() ? s : 0;
    }

    /** Loads a model, refusing one whose weights are not all finite numbers. */
    static TrainableGmvae model(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("no model file at " + file);
        TrainableGmvae m;
        try {
            m = GmvaeIo.load(file);
        } catch (IOException e) {
            throw new UserError("cannot load model " + file + ": " + e.getMessage(), e);
        }
        // A NaN weight passes the checksum (it was saved that way) and then classifies every
        // image as the same class without a word: refuse it here, naming the parameter.
        try {
            m.params().checkFinite();
        } catch (NonFiniteException e) {
            throw new UserError("cannot load model " + file + ": " + e.getMessage() + " (a diverged or damaged model)", e);
        }
        return m;
    }

    /** Loads a label map, refusing one whose profiles or temperature are not all finite numbers. */
    static LabelMap labelMap(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("no label map at " + file);
        LabelMap map;
        try {
            map = LabelMap.load(file);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (!Float.isFinite(map.temperature()) || !(map.temperature() > 0))
            throw new UserError("label map " + file + ": its temperature is " + map.temperature() + ", not a positive number");
        for (int l = 0; l < map.numClasses(); l++)
            for (int c = 0; c < map.k(); c++)
                if (!Float.isFinite(map.profile(l, c)) || !Float.isFinite(map.temperedProfile(l, c))
                        || !Float.isFinite(map.propagatedProfile(l, c)))
                    throw new UserError("label map " + file + ": the profile of class " + l + " holds NaN or Inf at cluster " + c);
        return map;
    }

    /** A model meets a data set: the images must have the model's size. */
    static void checkModelFitsData(Path modelFile, Gmvae m, Dataset d) {
        if (m.inputDim() != d.dim())
            throw new UserError("model " + modelFile + " takes " + m.inputDim() + "-pixel images, the data set " + d.name()
                    + " has " + d.rows() + "x" + d.cols() + " = " + d.dim());
    }

    /** A label map meets the model it decodes: both must have the same clusters. */
    static void checkMapFitsModel(Path mapFile, LabelMap map, Path modelFile, Gmvae m) {
        if (map.k() != m.k())
            throw new UserError("label map " + mapFile + " is for K=" + map.k() + " clusters, model " + modelFile + " has K=" + m.k());
    }

    /** A label map meets a data set: the same classes under the same names, or its labels mean something else. */
    static void checkMapFitsData(Path mapFile, LabelMap map, Dataset d) {
        if (d.classNames() == null || d.classNames().isEmpty()) return;   // pictures without any label: the map names the classes
        if (map.numClasses() != d.numClasses())
            throw new UserError("label map " + mapFile + " has " + map.numClasses() + " classes" + names(map.classNames())
                    + ", the data set " + d.name() + " has " + d.numClasses() + names(d.classNames()));
        if (!map.classNames().isEmpty() && d.classNames() != null && !map.classNames().equals(d.classNames()))
            throw new UserError("label map " + mapFile + " names its classes" + names(map.classNames())
                    + ", the data set " + d.name() + names(d.classNames()));
    }

    private static String names(java.util.List<String> n) {
        if (n == null || n.isEmpty()) return "";
        String first = n.getFirst(), last = n.getLast();
        return " (" + (n.size() <= 3 ? String.join(", ", n) : first + ", " + n.get(1) + " .. " + last) + ")";
    }

    /** --labels-per-class: positive counts, ascending, no duplicates. */
    static int[] perClass(Args a, int[] def) {
        int[] c = a.intList("labels-per-class", def).clone();
        java.util.Arrays.sort(c);
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 1) throw new UserError("--labels-per-class must be at least 1, got " + c[i]);
            if (i > 0 && c[i] == c[i - 1]) throw new UserError("--labels-per-class lists " + c[i] + " twice");
        }
        return c;
    }

    /** Fractions in (0,1], ascending, no duplicates. */
    static double[] fractions(Args a, double[] def) {
        double[] f = a.numberList("fractions", def).clone();
        java.util.Arrays.sort(f);
        for (int i = 0; i < f.length; i++) {
            if (!(f[i] > 0 && f[i] <= 1)) throw new UserError("--fractions must lie in (0, 1], got " + f[i]);
            if (i > 0 && f[i] == f[i - 1]) throw new UserError("--fractions lists " + f[i] + " twice");
        }
        return f;
    }
}
