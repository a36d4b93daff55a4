package gmvae4j.engine;

/**
 * One parameter tensor as the model-file writer sees it: its name, its shape, and where its values
 * start in {@link Params#data()} (its gradient starts at the same offset in {@link Params#grad()}).
 */
public record NamedParam(String name, int[] shape, int offset, int size, Tensor tensor) {
    public NamedParam {
        shape = shape.clone();
    }

    @Override public int[] shape() { return shape.clone(); }
}
