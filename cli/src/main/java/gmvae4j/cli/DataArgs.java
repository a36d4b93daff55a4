package gmvae4j.cli;

import gmvae4j.datasets.DataException;
import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Split;

import java.nio.file.Path;

/**
 * The data set flags shared by commands that read images: {@code --dataset NAME [--data DIR]
 * [--split pool|train|test] [--limit N]}. {@code glyphs:N} generates N synthetic glyphs (e.g. the
 * 145,600-image stand-in for the EMNIST pool used to check the memory budget).
 */
final class DataArgs {
    private DataArgs() {}

    /**
     * What the flags name, with the folder it came from when --images is given (then {@code from}
     * is the pool index of {@code data}'s first image, and {@code images.paths()} names them).
     */
    record Picked(Dataset data, gmvae4j.datasets.images.ImageSet images, int from) {}

    /** {@link #load}, or the folder --images names cut to --split and --limit (call after reading every other flag). */
    static Picked pick(Args args, String dataset, String defaultSplit) { return pick(args, dataset, defaultSplit, 0); }

    /** {@link #pick(Args, String, String)}, pictures converted to {@code modelSide} when > 0. */
    static Picked pick(Args args, String dataset, String defaultSplit, int modelSide) {
        if (!ImageArgs.given(args)) {
            if (dataset == null) throw new UserError("missing required flag --dataset (or --images DIR)");
            return new Picked(load(args, dataset, defaultSplit), null, 0);
        }
        if (args.has("data")) throw new UserError("--data names IDX files; with --images the folder is the data");
        Split split = split(args, defaultSplit);
        int limit = limit(args);
        gmvae4j.datasets.images.ImageSet set = ImageArgs.load(args, false, modelSide);
        Dataset pool = set.pool();
        int from = split == Split.TEST ? set.trainCount() : 0, to = split == Split.TRAIN ? set.trainCount() : pool.n();
        if (limit > 0) to = Math.min(to, from + limit);
        if (to <= from) throw new UserError("--split " + split.name().toLowerCase(java.util.Locale.ROOT) + ": no pictures in it");
        return new Picked(from == 0 && to == pool.n() ? pool : pool.slice(from, to), set, from);
    }

    private static Split split(Args args, String defaultSplit) {
        try {
            return Split.parse(args.string("split", defaultSplit));
        } catch (IllegalArgumentException e) {
            throw new UserError("--" + e.getMessage());
        }
    }

    private static int limit(Args args) {
        int limit = args.integer("limit", 0);
        if (limit < 0) throw new UserError("--limit must be positive, got " + limit);
        return limit;
    }

    /** Loads what the flags name; {@code defaultSplit} applies when --split is absent. */
    static Dataset load(Args args, String dataset, String defaultSplit) {
        Path dir = args.path("data", null);
        Split split = split(args, defaultSplit);
        int limit = limit(args);
        Dataset d;
        try {
            if (dataset.startsWith("glyphs:")) {
                int n;
                try {
                    n = Integer.parseInt(dataset.substring(7).replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new UserError("--dataset glyphs:N needs a number of images, got '" + dataset + "'");
                }
                if (n < 1 || n > Inputs.MAX_GLYPHS) throw new UserError("--dataset glyphs:N needs N in 1.." + Inputs.MAX_GLYPHS + ", got " + n);
                d = Glyphs.generate(n, Glyphs.TRAIN_SEED, split);
            } else {
                d = Datasets.load(dataset, split, dir);
            }
        } catch (DataException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (limit > 0 && limit < d.n()) d = d.slice(0, limit);
        return d;
    }
}
