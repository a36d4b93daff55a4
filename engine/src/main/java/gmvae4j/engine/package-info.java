/**
 * The autodiff engine: {@link gmvae4j.engine.Tensor}s whose values live in flat buffers, a
 * {@link gmvae4j.engine.Tape} that records ops in forward order and backpropagates in reverse,
 * layers in {@code gmvae4j.engine.nn}, the ops themselves (forward and backward side by side) in
 * {@code gmvae4j.engine.ops}, {@link gmvae4j.engine.Adam}, and {@link gmvae4j.engine.GradCheck}.
 *
 * <h2>A training step</h2>
 * <pre>{@code
 * Params params = new Params();                                   // one flat buffer for the whole model
 * SplittableRandom rng = new SplittableRandom(seed);
 * Mlp enc = Mlp.builder("enc").sizes(784, 512, 512, 20).build(params, rng);   // 20 = μ and log σ² of z=10
 * Mlp dec = Mlp.builder("dec").sizes(10, 512, 512, 784).build(params, rng);
 * Adam adam = new Adam(params, 2e-3f).clipNorm(10f);              // build the model first, then the optimizer
 * Tape tape = new Tape();                                         // reuse it: its buffers are recycled
 *
 * tape.reset();                                                   // every step
 * Tensor x = tape.scratch(128, 784);                              // fill x.data[x.off ..] with pixels in [0,1]
 * Tensor h = enc.forward(tape, x);
 * Tensor mu = tape.sliceCols(h, 0, 10), logVar = tape.sliceCols(h, 10, 20);
 * Tensor z = tape.add(mu, tape.mul(tape.exp(tape.mul(logVar, 0.5f)), tape.normal(128, 10, rng)));
 * Tensor rec = tape.bceWithLogits(dec.forward(tape, z), x);       // [128, 1], one value per image
 * Tensor kl = tape.gaussianKl(mu, logVar, zeros1x10, zeros1x10);  // [128, 1]
 * Tensor loss = tape.mean(tape.add(rec, kl));
 * loss.checkFinite("loss");                                       // names the term that went bad
 * params.zeroGrad();
 * tape.backward(loss);
 * adam.step();
 *
 * try (var g = tape.noGrad()) { ... }                             // evaluation: nothing recorded
 * for (NamedParam p : params.list()) { p.name(); p.shape(); p.offset(); }   // the model file's table
 * adam.m(); adam.v(); adam.steps(); adam.restore(m, v, steps);    // optimizer state for resume
 * }</pre>
 *
 * <h2>Rules worth knowing</h2>
 * <ul>
 *   <li>A tensor returned by a tape op is valid until that tape's next {@code reset()}.</li>
 *   <li>Parameter gradients accumulate: call {@link gmvae4j.engine.Params#zeroGrad()} each step.</li>
 *   <li>Linear weights are stored [in, out] (PyTorch: [out, in]); conv weights use PyTorch's layouts.</li>
 *   <li>Log-variance inputs of the Gaussian ops are clamped to ±15 (see {@code ops.Gaussian}).</li>
 * </ul>
 */
package gmvae4j.engine;
