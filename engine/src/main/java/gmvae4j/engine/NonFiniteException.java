package gmvae4j.engine;

/** A value or gradient went NaN or infinite; the message names the term (see {@link Tensor#checkFinite}). */
public final class NonFiniteException extends ArithmeticException {
    public NonFiniteException(String message) { super(message); }
}
