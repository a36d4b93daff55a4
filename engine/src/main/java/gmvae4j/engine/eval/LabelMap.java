package gmvae4j.engine.eval;

import gmvae4j.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * What a handful of labels teaches about the clusters; every decoder reads from it.
 *
 * <ul>
 *   <li>{@code counts[c][ℓ]}: labeled points of class ℓ whose argmax cluster is c (the hard
 *       decoder's votes, and the "label profile" shown by {@code explain});</li>
 *   <li>{@code hardLabel[c]}: the majority label of cluster c, or {@link #NONE} when no labeled
 *       point landed there (ties go to the smaller label, so results are reproducible);</li>
 *   <li>{@code m[ℓ][c]}: the soft decoder's class profile, the mean of q(c|x) over the labeled
 *       points of class ℓ, i.e. an empirical p(c|ℓ) whose row sums to 1. A class without labeled
 *       points has an all-zero row and is never predicted by the soft decoders.</li>
 *   <li>{@code temperature} T and {@code mT[ℓ][c]}: the same profile built from tempered
 *       posteriors q_T (see {@link Tempering}), read by {@link TemperedSoftDecoder}. T = 1 and
 *       mT = m unless the map was built by {@link #fitTempered}.</li>
 *   <li>{@code alpha} α and {@code mP[ℓ][c]}: m propagated over the clusters' neighbourhood
 *       graph ({@link ClusterGraph#propagate}) with the strength α leave-one-out chose
 *       ({@link PropagationStrength}), read by {@link PropagatedSoftDecoder}; α = 0 and mP = m
 *       unless set by {@link #withPropagation}.</li>
 * </ul>
 *
 * <p>Saved as a small versioned binary file (see {@link #save}) so {@code classify} can reuse the
 * labels of an experiment without the labeled data.
 */
public final class LabelMap {
    /** hardLabel value of a cluster that no labeled point reached. */
    public static final int NONE = -1;

    private static final byte[] MAGIC = {'G', 'M', 'V', 'L', 'M', 'A', 'P', '\n'};
    /**
     * Version 2 added the temperature, the tempered and the propagated profiles; version 3 the
     * propagation strength α. Older files still load (version 1: T = 1, mP = m, α = 0; version 2:
     * α = 0.9, the fixed strength of its time).
     */
    private static final int VERSION = 3;

    private final int k;
    private final int numClasses;
    private final int[][] counts;
    private final int[] hardLabel;
    private final float[][] m;
    private final float temperature;
    private final float[][] mT;
    private final float alpha;
    private final float[][] mP;
    private final int[] classCounts;
    private final java.util.List<String> classNames;

    private LabelMap(int k, int numClasses, int[][] counts, float[][] m, float temperature, float[][] mT,
                     float alpha, float[][] mP, java.util.List<String> classNames) {
        this.classNames = java.util.List.copyOf(classNames);
        if (!this.classNames.isEmpty() && this.classNames.size() != numClasses)
            throw new IllegalArgumentException(classNames.size() + " class names for " + numClasses + " classes");
        this.k = k;
        this.numClasses = numClasses;
        this.counts = counts;
        this.m = m;
        this.temperature = temperature;
        this.mT = mT;
        this.alpha = alpha;
        this.mP = mP;
        this.hardLabel = new int[k];
        this.classCounts = new int[numClasses];
        for (int c = 0; c < k; c++) {
            int best = NONE, bestCount = 0;
            for (int l = 0; l < numClasses; l++) {
                classCounts[l] += counts[c][l];
                if (counts[c][l] > bestCount) { bestCount = counts[c][l]; best = l; }
            }
            hardLabel[c] = best;
        }
    }

    /**
     * Builds the map from the posteriors of the labeled points.
     *
     * @param q          posterior matrix, rows × k, row-major (any number of rows)
     * @param k          number of clusters
     * @param labeledIdx rows of q that carry a label
     * @param labels     labels[i] is the class of row labeledIdx[i], in [0, numClasses)
     */
    public static LabelMap fit(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        if (labeledIdx.length != labels.length) throw new IllegalArgumentException("indices and labels differ in length");
        if (numClasses <= 0 || k <= 0) throw new IllegalArgumentException("k and numClasses must be positive");
        if (q.length % k != 0) throw new IllegalArgumentException("posterior length " + q.length + " is not a multiple of k=" + k);
        int[][] counts = new int[k][numClasses];
        for (int i = 0; i < labeledIdx.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= numClasses) throw new IllegalArgumentException("label " + l + " outside [0," + numClasses + ")");
            counts[Rows.argmax(q, labeledIdx[i] * k, k)][l]++;
        }
        float[][] m = profiles(q, k, labeledIdx, labels, numClasses, 1f);
        return new LabelMap(k, numClasses, counts, m, 1f, m, 0f, m, java.util.List.of());
    }

    /**
     * {@link #fit}, plus a temperature chosen by leave-one-out on the labeled points
     * ({@link Tempering#chooseByLeaveOneOut}) and the class profiles of the tempered posteriors.
     */
    public static LabelMap fitTempered(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        LabelMap plain = fit(q, k, labeledIdx, labels, numClasses);
        float t = Tempering.chooseByLeaveOneOut(q, k, labeledIdx, labels, numClasses);
        float[][] mT = t == 1f ? plain.m : profiles(q, k, labeledIdx, labels, numClasses, t);
        return new LabelMap(k, numClasses, plain.counts, plain.m, t, mT, 0f, plain.m, java.util.List.of());
    }

    /** m(ℓ) = mean of q_T(·|x) over the labeled points of class ℓ; all-zero for a class without labels. */
    private static float[][] profiles(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses, float t) {
        double[][] sums = new double[numClasses][k];
        double[] row = new double[k];
        for (int i = 0; i < labeledIdx.length; i++) {
            Tempering.temper(q, labeledIdx[i] * k, k, t, row);
            for (int c = 0; c < k; c++) sums[labels[i]][c] += row[c];
        }
        float[][] m = new float[numClasses][k];
        for (int l = 0; l < numClasses; l++) {
            // Rows of q sum to 1, so the mean does too: dividing by the total is the mean, and
            // removes rounding drift.
            double total = 0;
            for (int c = 0; c < k; c++) total += sums[l][c];
            if (total == 0) continue;
            for (int c = 0; c < k; c++) m[l][c] = (float) (sums[l][c] / total);
        }
        return m;
    }

    /** The same map carrying class names (saved with it, so {@code classify} can print them). */
    public LabelMap withClassNames(java.util.List<String> names) {
        return new LabelMap(k, numClasses, counts, m, temperature, mT, alpha, mP, names);
    }

    /**
     * The same map with its profiles m propagated over the graph ({@link ClusterGraph#propagate}),
     * α chosen by leave-one-out on the labeled points ({@link PropagationStrength}): pass the
     * labeled rows and labels this map was fitted on.
     */
    public LabelMap withPropagation(ClusterGraph graph, float[] q, int[] labeledIdx, int[] labels) {
        if (graph.k() != k) throw new IllegalArgumentException("graph of " + graph.k() + " clusters for a map of " + k);
        double a = PropagationStrength.chooseByLeaveOneOut(graph, q, k, labeledIdx, labels, numClasses);
        return withPropagation(graph, a);
    }

    /** The same map with its profiles m propagated over the graph with a given α of {@link ClusterGraph#ALPHAS}. */
    public LabelMap withPropagation(ClusterGraph graph, double alpha) {
        if (graph.k() != k) throw new IllegalArgumentException("graph of " + graph.k() + " clusters for a map of " + k);
        boolean[] reached = new boolean[k];
        for (int c = 0; c < k; c++) reached[c] = hardLabel[c] != NONE;
        return new LabelMap(k, numClasses, counts, m, temperature, mT, (float) alpha, graph.propagate(m, alpha, reached), classNames);
    }

    /** Class names, index = label; empty when unknown. */
    public java.util.List<String> classNames() { return classNames; }

    public int k() { return k; }

    public int numClasses() { return numClasses; }

    /** Majority label of cluster c, or {@link #NONE}. */
    public int hardLabel(int c) { return hardLabel[c]; }

    /** Labeled points of class l whose argmax cluster is c. */
    public int count(int c, int l) { return counts[c][l]; }

    /** Labeled points whose argmax cluster is c. */
    public int clusterTotal(int c) {
        int s = 0;
        for (int l = 0; l < numClasses; l++) s += counts[c][l];
        return s;
    }

    /** Labeled points of class l. */
    public int classCount(int l) { return classCounts[l]; }

    /** m(ℓ)[c]: the soft class profile (empirical p(c|ℓ)). */
    public float profile(int l, int c) { return m[l][c]; }

    /** The soft decoders' temperature T (1 unless built by {@link #fitTempered}). */
    public float temperature() { return temperature; }

    /** m_T(ℓ)[c]: the class profile of the tempered posteriors (equal to {@link #profile} when T = 1). */
    public float temperedProfile(int l, int c) { return mT[l][c]; }

    /** soft-prop's propagation strength α (0, no propagation, unless set by {@link #withPropagation}). */
    public float propagationStrength() { return alpha; }

    /** F(ℓ)[c]: the class profile propagated over the cluster graph (equal to {@link #profile} unless set). */
    public float propagatedProfile(int l, int c) { return mP[l][c]; }

    /** Number of clusters at least one labeled point reached. */
    public int reachedClusters() {
        int r = 0;
        for (int c = 0; c < k; c++) if (hardLabel[c] != NONE) r++;
        return r;
    }

    // ------------------------------------------------------------------ file format

    /**
     * Layout (big-endian): magic "GMVLMAP\n", int version, int k, int numClasses,
     * int nameCount (0 or numClasses) and that many modified-UTF-8 class names, counts
     * (k·numClasses ints), m (numClasses·k floats), then from version 2 float temperature, mT and
     * mP (numClasses·k floats each), from version 3 float α, then a CRC32 (long) of everything before it. Written to a temporary file and moved into place, so a crash never leaves a
     * half-written map where a good one was.
     */
    public void save(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(k);
        out.writeInt(numClasses);
        out.writeInt(classNames.size());
        for (String name : classNames) out.writeUTF(name);
        for (int c = 0; c < k; c++) for (int l = 0; l < numClasses; l++) out.writeInt(counts[c][l]);
        for (int l = 0; l < numClasses; l++) for (int c = 0; c < k; c++) out.writeFloat(m[l][c]);
        out.writeFloat(temperature);
        for (int l = 0; l < numClasses; l++) for (int c = 0; c < k; c++) out.writeFloat(mT[l][c]);
        for (int l = 0; l < numClasses; l++) for (int c = 0; c < k; c++) out.writeFloat(mP[l][c]);
        out.writeFloat(alpha);
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * Largest label map read: 256 MiB, far above K = 5000 clusters by 1000 classes (80 MB). The
     * magic is checked from the first bytes and the size against this limit before the file is
     * read whole; the header's k and class count are then checked against the bytes present
     * before anything is allocated from them.
     */
    public static final long MAX_BYTES = 1L << 28;

    /** Reads a map written by {@link #save}; any damage gives an IOException naming the file and the problem. */
    public static LabelMap load(Path file) throws IOException {
        String where = "label map " + gmvae4j.io.TerminalText.safe(file) + ": ";
        byte[] all = readChecked(file, where);
        if (all.length < MAGIC.length + 12 + 8) throw new IOException(where + "too short (" + all.length + " bytes)");
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong())
            throw new IOException(where + "checksum mismatch (file damaged or truncated)");
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, MAGIC.length, all.length - MAGIC.length - 8));
        // A checksum only proves nobody damaged the file after it was written: a crafted file can
        // carry a valid one, so the body is still read as untrusted and may end anywhere.
        String section = "header";
        try {
            int version = in.readInt();
            if (version < 1 || version > VERSION)
                throw new IOException(where + "version " + version + ", this build reads versions 1 to " + VERSION);
            int k = in.readInt(), nc = in.readInt(), names = in.readInt();
            if (k <= 0 || nc <= 0 || k > 1_000_000 || nc > 1_000_000 || (names != 0 && names != nc))
                throw new IOException(where + "header says k=" + k + ", classes=" + nc + ", names=" + names);
            section = "class names";
            java.util.List<String> classNames = new java.util.ArrayList<>();
            for (int i = 0; i < names; i++) classNames.add(in.readUTF());   // escaped where printed
            long expected = version == 1 ? 8L * k * nc : 16L * k * nc + 4 + (version >= 3 ? 4 : 0);
            if (in.available() != expected)
                throw new IOException(where + "header says k=" + k + ", classes=" + nc + " which does not match its size " + all.length);
            section = "counts";
            int[][] counts = new int[k][nc];
            for (int c = 0; c < k; c++) for (int l = 0; l < nc; l++) {
                counts[c][l] = in.readInt();
                if (counts[c][l] < 0) throw new IOException(where + "negative count");
            }
            section = "profiles";
            float[][] m = readProfiles(in, nc, k);
            if (version == 1) return new LabelMap(k, nc, counts, m, 1f, m, 0f, m, classNames);
            float t = in.readFloat();
            if (!(t >= 1f && t <= 1000f)) throw new IOException(where + "temperature " + t + " outside [1, 1000]");
            section = "tempered profiles";
            float[][] mT = readProfiles(in, nc, k);
            section = "propagated profiles";
            float[][] mP = readProfiles(in, nc, k);
            section = "propagation strength";
            float alpha = version >= 3 ? in.readFloat() : 0.9f;
            if (!(alpha >= 0f && alpha < 1f)) throw new IOException(where + "propagation strength " + alpha + " outside [0, 1)");
            return new LabelMap(k, nc, counts, m, t, mT, alpha, mP, classNames);
        } catch (java.io.EOFException e) {
            throw new IOException(where + "the body ends early, in the " + section, e);
        } catch (java.io.UTFDataFormatException e) {
            throw new IOException(where + "malformed text in the " + section, e);
        }
    }

    private static float[][] readProfiles(DataInputStream in, int nc, int k) throws IOException {
        float[][] p = new float[nc][k];
        for (int l = 0; l < nc; l++) for (int c = 0; c < k; c++) p[l][c] = in.readFloat();
        return p;
    }

    /** The whole file, once its first bytes are the magic and its size is under {@link #MAX_BYTES}. */
    private static byte[] readChecked(Path file, String where) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(head, MAGIC)) {
                if (head.length < MAGIC.length) throw new IOException(where + "too short (" + head.length + " bytes)");
                throw new IOException(where + "not a gmvae4j label map (bad magic)");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) throw new IOException(where + size + " bytes, more than the " + MAX_BYTES + " a label map may have");
            byte[] rest = in.readNBytes((int) size - MAGIC.length);
            if (in.read() != -1) throw new IOException(where + "changed while being read");
            byte[] all = java.util.Arrays.copyOf(head, MAGIC.length + rest.length);
            System.arraycopy(rest, 0, all, MAGIC.length, rest.length);
            return all;
        }
    }
}
