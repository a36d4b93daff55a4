package gmvae4j.engine.nn;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

/** The nonlinearity after a layer. */
public enum Activation {
    NONE, RELU, TANH, SIGMOID, SOFTPLUS;

    public Tensor apply(Tape t, Tensor x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> t.relu(x);
            case TANH -> t.tanh(x);
            case SIGMOID -> t.sigmoid(x);
            case SOFTPLUS -> t.softplus(x);
        };
    }
}
