package gmvae4j.cli;

import gmvae4j.datasets.DataException;
import gmvae4j.datasets.images.ConversionOptions;
import gmvae4j.datasets.images.ImageSet;
import gmvae4j.datasets.images.ImageSets;
import java.nio.file.Path;

/**
 * The flags that make a folder of pictures the data set, shared by every command that takes
 * {@code --dataset}: {@code --images DIR [--labels FILE.csv] [--layout auto|flat]
 * [--image-size S] [--invert auto|yes|no] [--max-pixels N] [--strict] [--no-cache]}.
 */
final class ImageArgs {
    private ImageArgs() {}

    static final String USAGE = """
              --images DIR          a folder of pictures instead of --dataset: class folders (DIR/CLASS/..., or
                                    DIR/train/CLASS/... + DIR/test/CLASS/...) or flat (unlabeled); PNG, JPEG, BMP, GIF
              --labels FILE.csv     labels for a flat folder: rows path,label (paths relative to DIR)
              --layout auto|flat    flat: ignore class folders (default auto)
              --image-size S        fit pictures into SxS, aspect kept, padded (default 28, at most 64)
              --invert auto|yes|no  polarity; auto inverts a light background, judged from the border (default auto)
              --max-pixels N        skip pictures whose header claims more pixels (default 100000000)
              --strict              a picture that cannot be read is an error instead of skipped
              --no-cache            decode again instead of using the cache (~/.cache/gmvae4j/images)""".indent(2).stripTrailing();   // as indented as the commands' own flags

    /** Whether the command line names a folder. */
    static boolean given(Args a) { return a.has("images"); }

    /** Conversion options from the flags. */
    static ConversionOptions conversion(Args a) { return conversion(a, 0); }

    /** Conversion options; {@code modelSide} > 0: the model's side, the default and the only size that fits it. */
    static ConversionOptions conversion(Args a, int modelSide) {
        int size = a.positiveInt("image-size", modelSide > 0 ? modelSide : ConversionOptions.DEFAULT_SIZE);
        if (modelSide > 0 && size != modelSide)
            throw new UserError("--image-size " + size + ": the model takes " + modelSide + "x" + modelSide + " images");
        if (size > ConversionOptions.MAX_SIZE)
            throw new UserError("--image-size is at most " + ConversionOptions.MAX_SIZE + ", got " + size);
        ConversionOptions.Invert inv = ConversionOptions.Invert.parse(a.choice("invert", "auto", "auto", "yes", "no"));
        String cap = a.string("max-pixels", null);
        long maxPixels = ConversionOptions.DEFAULT_MAX_PIXELS;
        if (cap != null) {
            try {
                maxPixels = Long.parseLong(cap.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UserError("--max-pixels expects an integer, got '" + cap + "'");
            }
            if (maxPixels < 1) throw new UserError("--max-pixels must be positive, got " + maxPixels);
        }
        return new ConversionOptions(size, inv, maxPixels);
    }

    /** Loads the folder the flags name (progress on stderr). */
    static ImageSet load(Args a) { return load(a, false, 0); }

    /**
     * Loads the folder; {@code needLabels}: fail before decoding when nothing in it is labeled;
     * {@code modelSide} > 0: pictures are converted to the model's size.
     */
    static ImageSet load(Args a, boolean needLabels, int modelSide) {
        Path dir = a.path("images", null);
        if (dir == null) throw new UserError("--images needs a folder");
        if (a.has("dataset")) throw new UserError("--images and --dataset are alternatives: give one");
        ConversionOptions c = conversion(a, modelSide);
        Path labels = a.path("labels", null);
        boolean flat = a.choice("layout", "auto", "auto", "flat").equals("flat");
        boolean strict = a.flag("strict");
        boolean cache = !a.flag("no-cache");
        a.finish();
        try {
            ImageSets.Options o = new ImageSets.Options(c, labels, flat, strict, cache);
            return ImageSets.load(dir, needLabels ? o.needingLabels() : o, System.err);
        } catch (DataException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
