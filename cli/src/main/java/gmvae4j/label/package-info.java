/**
 * {@code gmvae label}: a local labeling page on top of a trained model's clusters.
 *
 * <p>It lives in the cli module, not a module of its own: it is one more command, needs the
 * command's flag parsing and model loading (and training when no model is given), and adds no
 * runtime dependency (the JDK's HTTP server, javax.imageio); a {@code label} module would have
 * had to depend on cli or duplicate those. The rule it keeps: no model math here (margins,
 * leave-one-out, latent neighbours and propagation are plain functions in
 * {@code gmvae4j.engine.eval}) and no HTTP in the engine.
 *
 * <p>Pieces: {@link gmvae4j.label.LabelImages} (the images, a seam the image-folder reader will
 * feed), {@link gmvae4j.label.Session} over {@link gmvae4j.label.Journal} (the answers, durable),
 * {@link gmvae4j.label.QueryPolicy} (what to ask), {@link gmvae4j.label.Predictions} (what the
 * model says), {@link gmvae4j.label.Access} (the token), {@link gmvae4j.label.ImageFiles},
 * {@link gmvae4j.label.Exports}, {@link gmvae4j.label.LabelServer} (the handlers) and
 * {@link gmvae4j.label.Simulation} ({@code --simulate}).
 */
package gmvae4j.label;
