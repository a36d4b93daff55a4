package gmvae4j.engine.nn;

import gmvae4j.engine.Init;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.random.RandomGenerator;

/**
 * A transposed convolution (upsampling) layer: weight [inC, outC, k, k], bias [1, outC] starting at
 * zero; parameters {@code name.weight}, {@code name.bias}. He initialisation with fan-in inC·k²/stride²,
 * the number of inputs that actually reach one output pixel when the kernel overlaps by the stride.
 */
public final class ConvTranspose2d implements Layer {

    public final Tensor weight, bias;
    public final int stride, pad;

    public ConvTranspose2d(Params params, String name, int inC, int outC, int kernel, int stride, int pad, RandomGenerator rng) {
        this.weight = params.add(name + ".weight", inC, outC, kernel, kernel);
        this.bias = params.add(name + ".bias", 1, outC);
        this.stride = stride;
        this.pad = pad;
        Init.heNormal(weight, Math.max(1, inC * kernel * kernel / (stride * stride)), rng);
    }

    @Override public Tensor forward(Tape t, Tensor x) { return t.convTranspose2d(x, weight, bias, stride, pad); }
}
