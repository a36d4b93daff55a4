package gmvae4j.engine.nn;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

/** Something that maps a batch to a batch on a tape. */
public interface Layer {
    Tensor forward(Tape t, Tensor x);
}
