package gmvae4j.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH secondary metric that reads directly as GFLOP/s: each benchmark call adds its FLOP count
 * (in units of 1e9), and JMH divides the sum by the elapsed time. It appears as the extra line
 * {@code ·gflops} in the results, labelled "ops/s"; read those numbers as GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GflopCounter {
    public double gflops;

    @Setup(Level.Iteration)
    public void reset() { gflops = 0; }
}
