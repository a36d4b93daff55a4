package gmvae4j.engine;

import java.util.Arrays;

/**
 * A float32 array with a shape, and (when it takes part in backprop) a gradient of the same shape.
 *
 * <p>Storage is {@code data[off .. off+size)} rather than a private array, so a parameter can be a
 * view into one flat buffer shared by the whole model (see {@link Params}) and the optimizer can
 * update everything with one kernel call. The gradient lives likewise in {@code grad[gradOff ..)}.
 *
 * <p>Shapes are 2-D {@code [rows, cols]} for everything MLP-shaped and 4-D {@code [N, C, H, W]}
 * for images. Row-wise ops see any tensor as {@code rows() = shape[0]} by {@code cols() = size/rows}.
 *
 * <p>Three kinds of tensor exist, all this one class:
 * <ul>
 *   <li>parameters, views into {@link Params}' flat buffers (grad always present);</li>
 *   <li>leaves made by {@link #of}/{@link #zeros} (grad present after {@link #requireGrad()});</li>
 *   <li>op results owned by a {@link Tape}: valid until that tape's next {@link Tape#reset()},
 *       after which the tape hands the same object (and arrays) to the op at the same position.</li>
 * </ul>
 */
public final class Tensor {

    // Not final: Params re-points its views when it grows while the model is being built.
    public float[] data;
    public int off;
    public float[] grad;
    public int gradOff;

    private int[] shape;
    private int size;
    boolean requiresGrad;

    Tensor(float[] data, int off, int[] shape) {
        this.data = data;
        this.off = off;
        setShape(shape);
        if (off + size > data.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " at offset " + off
                    + " does not fit in " + data.length + " floats");
    }

    /** A leaf tensor holding a copy of {@code values}. */
    public static Tensor of(float[] values, int... shape) {
        Tensor t = new Tensor(values.clone(), 0, shape.clone());
        if (t.size != values.length)
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        return t;
    }

    /** A leaf tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[count(shape)], 0, shape.clone());
    }

    /** A leaf tensor that wraps (does not copy) {@code data[off ..)}. */
    public static Tensor wrap(float[] data, int off, int... shape) {
        return new Tensor(data, off, shape.clone());
    }

    /** Makes this leaf receive gradients (allocating its gradient buffer); returns this. */
    public Tensor requireGrad() {
        if (grad == null) {
            grad = new float[size];
            gradOff = 0;
        }
        requiresGrad = true;
        return this;
    }

    static int count(int[] shape) {
        if (shape.length == 0) throw new IllegalArgumentException("a tensor needs at least one dimension");
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("bad shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("shape too large " + Arrays.toString(shape));
        return (int) n;
    }

    void setShape(int[] shape) {
        this.size = count(shape);
        this.shape = shape;
    }

    // ---------------------------------------------------------------- shape

    public int size() { return size; }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i]; }
    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }
    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }
    boolean hasShape(int[] s) { return Arrays.equals(shape, s); }
    /** The shape array itself (never modified once a tensor exists). */
    int[] shapeRef() { return shape; }
    public int rows() { return shape[0]; }
    public int cols() { return size / shape[0]; }
    public boolean requiresGrad() { return requiresGrad; }

    /**
     * The same values (and gradient, if any) seen through another shape of the same size: a view,
     * so writes to either are seen by both.
     */
    public Tensor view(int... newShape) {
        Tensor v = new Tensor(data, off, newShape.clone());
        if (v.size != size)
            throw new IllegalArgumentException("cannot view " + Arrays.toString(shape) + " as " + Arrays.toString(newShape));
        v.grad = grad;
        v.gradOff = gradOff;
        v.requiresGrad = requiresGrad;
        return v;
    }

    // ---------------------------------------------------------------- element access (tests, small code)

    public float get(int i) { return data[off + i]; }
    public float get(int r, int c) { return data[off + r * cols() + c]; }
    public void set(int i, float v) { data[off + i] = v; }
    public void set(int r, int c, float v) { data[off + r * cols() + c] = v; }
    /** The value of a one-element tensor (a loss). */
    public float item() {
        if (size != 1) throw new IllegalStateException("item() of a tensor with " + size + " elements");
        return data[off];
    }
    public float gradAt(int i) { return grad == null ? 0f : grad[gradOff + i]; }

    /** A copy of the values. */
    public float[] toArray() { return Arrays.copyOfRange(data, off, off + size); }
    /** A copy of the gradient (zeros if none). */
    public float[] gradToArray() {
        return grad == null ? new float[size] : Arrays.copyOfRange(grad, gradOff, gradOff + size);
    }

    /** Copies {@code src[srcOff .. srcOff+size)} into this tensor's values. */
    public Tensor copyFrom(float[] src, int srcOff) {
        System.arraycopy(src, srcOff, data, off, size);
        return this;
    }

    public void fill(float v) { Arrays.fill(data, off, off + size, v); }
    public void zeroGrad() { if (grad != null) Arrays.fill(grad, gradOff, gradOff + size, 0f); }

    // ---------------------------------------------------------------- NaN/Inf detection

    /**
     * Throws {@link NonFiniteException} naming {@code what} if any value is NaN or infinite.
     * Cheap enough to call on every loss term every step (one pass, no allocation).
     */
    public Tensor checkFinite(String what) {
        for (int i = off, end = off + size; i < end; i++) {
            float v = data[i];
            if (!Float.isFinite(v))
                throw new NonFiniteException(what + " is " + v + " at element " + (i - off) + " of " + Arrays.toString(shape));
        }
        return this;
    }

    /** Like {@link #checkFinite} for the gradient. */
    public Tensor checkGradFinite(String what) {
        if (grad == null) return this;
        for (int i = gradOff, end = gradOff + size; i < end; i++) {
            float v = grad[i];
            if (!Float.isFinite(v))
                throw new NonFiniteException("gradient of " + what + " is " + v + " at element " + (i - gradOff));
        }
        return this;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(' ');
        int show = Math.min(size, 8);
        sb.append('[');
        for (int i = 0; i < show; i++) sb.append(i == 0 ? "" : ", ").append(data[off + i]);
        return sb.append(size > show ? ", ...]" : "]").toString();
    }
}
