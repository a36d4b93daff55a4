package gmvae4j.datasets.images;

import java.util.Locale;

/**
 * How a picture becomes a model input: grey, fitted into {@code size}×{@code size} with its aspect
 * ratio kept and padded with its background, polarity made consistent (bright strokes on a dark
 * background, as in MNIST), one unsigned byte per pixel. Pictures whose header claims more than
 * {@code maxPixels} pixels are refused before anything is decoded.
 *
 * @param size      the side S of the square the picture is fitted into, 1..{@link #MAX_SIZE}
 * @param invert    polarity: {@link Invert#AUTO} inverts a light background judged from the border
 * @param maxPixels the pixel cap (width·height from the file header)
 */
public record ConversionOptions(int size, Invert invert, long maxPixels) {

    /** The default side: MNIST's 28. */
    public static final int DEFAULT_SIZE = 28;
    /** The largest side: a 64×64 input is already 5x MNIST's; beyond that the MLP models are the wrong tool. */
    public static final int MAX_SIZE = 64;
    /**
     * The default pixel cap, 100 megapixels (10,000 × 10,000). Decoding is subsampled to a few times
     * S, so memory stays small either way; the cap bounds the time a hostile or broken header
     * (a 100,000 × 100,000 PNG is a few kB) can cost.
     */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    /** Polarity of the stored pixels. */
    public enum Invert {
        /** Invert when the border is light (dark strokes on a light background). */
        AUTO,
        /** Always invert. */
        YES,
        /** Never invert. */
        NO;

        /** {@code auto}, {@code yes} or {@code no}. */
        public static Invert parse(String s) {
            return switch (s) {
                case "auto" -> AUTO;
                case "yes" -> YES;
                case "no" -> NO;
                default -> throw new IllegalArgumentException("invert must be auto, yes or no, got '" + s + "'");
            };
        }

        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    public ConversionOptions {
        if (size < 1 || size > MAX_SIZE) throw new IllegalArgumentException("image size must be in 1.." + MAX_SIZE + ", got " + size);
        if (invert == null) throw new IllegalArgumentException("invert must be given");
        if (maxPixels < 1) throw new IllegalArgumentException("pixel cap must be positive, got " + maxPixels);
    }

    /** S = 28, polarity judged from the border, the default pixel cap. */
    public static ConversionOptions defaults() { return new ConversionOptions(DEFAULT_SIZE, Invert.AUTO, DEFAULT_MAX_PIXELS); }

    /** One line for reports and model files, e.g. {@code grey 28x28, fit + pad, invert auto, cap 100000000 px}. */
    public String describe() {
        return "grey " + size + "x" + size + ", aspect kept, padded with the background, invert " + invert.id()
                + ", cap " + maxPixels + " px";
    }
}
