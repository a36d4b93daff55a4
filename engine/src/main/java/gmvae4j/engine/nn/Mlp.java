package gmvae4j.engine.nn;

import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A stack of {@link Linear} layers: {@code hidden} activation after every layer but the last,
 * {@code output} activation after the last. Layers are named {@code name.0}, {@code name.1}, ...
 *
 * <pre>{@code
 * Mlp enc = Mlp.builder("enc").sizes(784, 512, 512, 32).hidden(Activation.RELU).build(params, rng);
 * Tensor h = enc.forward(tape, x);
 * }</pre>
 * Layers followed by a ReLU get He initialisation, the others Xavier.
 */
public final class Mlp implements Layer {

    private final List<Linear> layers;
    private final Activation hidden, output;

    private Mlp(List<Linear> layers, Activation hidden, Activation output) {
        this.layers = layers;
        this.hidden = hidden;
        this.output = output;
    }

    public static Builder builder(String name) { return new Builder(name); }

    public List<Linear> layers() { return Collections.unmodifiableList(layers); }

    public int inputSize() { return layers.getFirst().in; }

    public int outputSize() { return layers.getLast().out; }

    @Override public Tensor forward(Tape t, Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            Linear l = layers.get(i);
            Activation a = i + 1 < layers.size() ? hidden : output;
            // a ReLU layer is one fused op (same values, fewer passes over memory)
            x = a == Activation.RELU ? t.linearRelu(x, l.weight, l.bias) : a.apply(t, l.forward(t, x));
        }
        return x;
    }

    public static final class Builder {
        private final String name;
        private int[] sizes;
        private Activation hidden = Activation.RELU, output = Activation.NONE;

        private Builder(String name) { this.name = name; }

        /** Layer widths, input first: {@code sizes(784, 512, 10)} is two layers. */
        public Builder sizes(int... sizes) {
            if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least an input and an output size");
            this.sizes = sizes.clone();
            return this;
        }

        /** Activation between layers (default ReLU). */
        public Builder hidden(Activation a) { this.hidden = a; return this; }

        /** Activation after the last layer (default none: logits or means). */
        public Builder output(Activation a) { this.output = a; return this; }

        public Mlp build(Params params, RandomGenerator rng) {
            if (sizes == null) throw new IllegalStateException("sizes(...) not set");
            List<Linear> ls = new ArrayList<>();
            for (int i = 0; i + 1 < sizes.length; i++) {
                Activation after = i + 2 < sizes.length ? hidden : output;
                Linear.InitKind init = after == Activation.RELU ? Linear.InitKind.HE : Linear.InitKind.XAVIER;
                ls.add(new Linear(params, name + "." + i, sizes[i], sizes[i + 1], init, rng));
            }
            return new Mlp(ls, hidden, output);
        }
    }
}
