package gmvae4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All the parameters of a model in one flat {@code float[]}, and all their gradients in a second one
 * of the same length (the llm.c layout). Each parameter tensor is a view at an offset into both.
 *
 * <p>Why flat: the optimizer updates the whole model with one kernel call, zeroing gradients is one
 * fill, the gradient norm is one reduction, and saving/loading a model is writing one array plus the
 * {@link #list() name/shape/offset table}.
 *
 * <p>Parameters are added while the model is built; each addition re-allocates the two arrays and
 * re-points the views (building happens once, so the copying does not matter). Do not add parameters
 * after an optimizer was created over this object.
 */
public final class Params {

    private float[] data = new float[0];
    private float[] grad = new float[0];
    private final Map<String, NamedParam> byName = new LinkedHashMap<>();
    private final List<NamedParam> list = new ArrayList<>();
    /** Most values this object may hold (see {@link #capped}). */
    private final long capacity;

    /** An empty, unbounded parameter set. */
    public Params() { this(Integer.MAX_VALUE - 16); }

    private Params(long capacity) { this.capacity = capacity; }

    /**
     * A parameter set that refuses to grow past {@code maxValues}, before allocating: a model
     * built from a file's description (whose sizes only a checksum vouches for) cannot allocate
     * more than the values the file actually holds.
     */
    public static Params capped(long maxValues) { return new Params(maxValues); }

    /** Adds a zero-filled parameter tensor called {@code name} (unique) and returns its view. */
    public Tensor add(String name, int... shape) {
        if (byName.containsKey(name)) throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        int n = Tensor.count(shape);
        int at = data.length;
        if ((long) at + n > capacity)
            throw new IllegalArgumentException("parameter '" + name + "' " + Arrays.toString(shape) + " takes the model past "
                    + capacity + " values");
        float[] d = Arrays.copyOf(data, at + n), g = Arrays.copyOf(grad, at + n);
        for (NamedParam p : list) {
            p.tensor().data = d;
            p.tensor().grad = g;
        }
        data = d;
        grad = g;
        Tensor t = new Tensor(d, at, shape.clone());
        t.grad = g;
        t.gradOff = at;
        t.requiresGrad = true;
        NamedParam p = new NamedParam(name, shape, at, n, t);
        byName.put(name, p);
        list.add(p);
        return t;
    }

    /** Every parameter, in the order added (offsets increasing, no gaps). */
    public List<NamedParam> list() { return Collections.unmodifiableList(list); }

    /** The parameter called {@code name}; throws if there is none. */
    public Tensor get(String name) {
        NamedParam p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter '" + name + "'");
        return p.tensor();
    }

    /** The flat values (live: writing here changes the model). */
    public float[] data() { return data; }

    /** The flat gradients (live). */
    public float[] grad() { return grad; }

    /** Total number of parameters. */
    public int size() { return data.length; }

    public void zeroGrad() { Arrays.fill(grad, 0f); }

    /** Freezes or unfreezes one parameter: a frozen one receives no gradient. */
    public void setTrainable(String name, boolean trainable) { get(name).requiresGrad = trainable; }

    /** Throws {@link NonFiniteException} naming the first parameter with a NaN/Inf value. */
    public void checkFinite() {
        for (NamedParam p : list) p.tensor().checkFinite("parameter " + p.name());
    }

    /** Throws {@link NonFiniteException} naming the first parameter with a NaN/Inf gradient. */
    public void checkGradFinite() {
        for (NamedParam p : list) p.tensor().checkGradFinite("parameter " + p.name());
    }

    /** Copies values from another Params with the same names, shapes and order (e.g. a loaded model). */
    public void copyFrom(Params other) {
        checkSameLayout(other);
        System.arraycopy(other.data, 0, data, 0, data.length);
    }

    /**
     * Makes {@code other}'s values this set's own: afterwards every parameter here reads and writes
     * other's flat array (an update to one set is seen by the other, with no copy), while the
     * gradients stay this set's. Frozen parameters follow other's. For a second copy of a model that
     * backpropagates part of a batch into gradients of its own ({@code BatchShards}). Add no
     * parameters to either set afterwards: growing re-allocates the arrays and ends the sharing.
     */
    public void shareValues(Params other) {
        checkSameLayout(other);
        data = other.data;
        for (int i = 0; i < list.size(); i++) {
            Tensor t = list.get(i).tensor();
            t.data = other.data;
            t.requiresGrad = other.list.get(i).tensor().requiresGrad;
        }
    }

    private void checkSameLayout(Params other) {
        if (other.list.size() != list.size()) throw new IllegalArgumentException("parameter lists differ in length");
        for (int i = 0; i < list.size(); i++) {
            NamedParam a = list.get(i), b = other.list.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.shape(), b.shape()))
                throw new IllegalArgumentException("parameter " + i + " is " + a.name() + Arrays.toString(a.shape())
                        + " here but " + b.name() + Arrays.toString(b.shape()) + " there");
        }
    }
}
