package gmvae4j.label;

/** Server time per answer (journal, state update, response), kept for the benchmark line. */
public final class AnswerTimes {
    private final java.util.List<Double> ms = new java.util.ArrayList<>();

    public synchronized void add(double millis) { ms.add(millis); }

    public synchronized int count() { return ms.size(); }

    /** The q-quantile (0..1) of the times so far, NaN when none. */
    public synchronized double quantile(double q) {
        if (ms.isEmpty()) return Double.NaN;
        double[] s = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
    }
}
