package gmvae4j.engine.nn;

import gmvae4j.engine.Init;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.random.RandomGenerator;

/**
 * A convolution layer: weight [outC, inC, k, k] (He-initialised, fan-in inC·k²), bias [1, outC]
 * starting at zero; parameters {@code name.weight}, {@code name.bias}. Input and output are NCHW.
 */
public final class Conv2d implements Layer {

    public final Tensor weight, bias;
    public final int stride, pad;

    public Conv2d(Params params, String name, int inC, int outC, int kernel, int stride, int pad, RandomGenerator rng) {
        this.weight = params.add(name + ".weight", outC, inC, kernel, kernel);
        this.bias = params.add(name + ".bias", 1, outC);
        this.stride = stride;
        this.pad = pad;
        Init.heNormal(weight, inC * kernel * kernel, rng);
    }

    @Override public Tensor forward(Tape t, Tensor x) { return t.conv2d(x, weight, bias, stride, pad); }
}
