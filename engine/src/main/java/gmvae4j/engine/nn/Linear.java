package gmvae4j.engine.nn;

import gmvae4j.engine.Init;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.random.RandomGenerator;

/**
 * y = x·W + b. W is stored [in, out] (the transpose of PyTorch's layout) so the forward product needs
 * no transpose; b is [1, out] and starts at zero. Parameters are named {@code name.weight} and
 * {@code name.bias}.
 */
public final class Linear implements Layer {

    /** How W is initialised. */
    public enum InitKind { XAVIER, HE }

    public final Tensor weight;
    public final Tensor bias;
    public final int in, out;

    public Linear(Params params, String name, int in, int out, InitKind init, RandomGenerator rng) {
        this.in = in;
        this.out = out;
        this.weight = params.add(name + ".weight", in, out);
        this.bias = params.add(name + ".bias", 1, out);
        if (init == InitKind.HE) Init.heNormal(weight, in, rng);
        else Init.xavierUniform(weight, in, out, rng);
    }

    @Override public Tensor forward(Tape t, Tensor x) { return t.linear(x, weight, bias); }
}
