package gmvae4j.datasets.images;

/**
 * A decoded picture as grey levels, row-major, 0 = black, 1 = white, before it is fitted to the
 * model's size. Colour became luminance (Rec. 601 weights) and transparency was composited onto
 * white, as a viewer shows a transparent picture on a page.
 */
public record GreyImage(int width, int height, float[] values) {
    public GreyImage {
        if (width < 1 || height < 1 || (long) width * height != values.length)
            throw new IllegalArgumentException("grey image " + width + "x" + height + " with " + values.length + " values");
    }

    public float at(int x, int y) { return values[y * width + x]; }
}
