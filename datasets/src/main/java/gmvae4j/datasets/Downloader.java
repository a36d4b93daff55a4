package gmvae4j.datasets;

import gmvae4j.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Downloads a data set's published .gz files into its cache directory, checking each against its
 * known MD5 and moving it into place atomically, so a file under its final name is always a
 * complete, verified copy.
 *
 * <ul>
 *   <li>MNIST and Fashion-MNIST: each file from the first mirror that serves it with the right
 *       checksum.</li>
 *   <li>EMNIST: the official NIST archive (a ~535 MB zip of every split). It is downloaded to disk
 *       (resumable) and read back with ZipInputStream, extracting only the letters members; the
 *       zip is deleted afterwards. It is never held in memory.</li>
 * </ul>
 * Transfers go to {@code NAME.part} files that never count as finished; an interrupted transfer is
 * resumed with an HTTP Range request when the server honours it, else restarted. Progress goes to
 * stderr (a bar on a terminal, a few lines otherwise).
 */
public final class Downloader {
    private final Path cacheRoot;
    private final PrintStream log;
    private final boolean tty;
    private final int attempts;
    private final int timeoutMs;

    /** Progress on stderr, 4 attempts per URL, 30 s connect/read timeouts. */
    public Downloader(Path cacheRoot) {
        this(cacheRoot, System.err, Progress.stderrIsTerminal(), 4, 30_000);
    }

    /**
     * @param log       where progress goes (null: silent)
     * @param attempts  tries per URL (resuming where the last one stopped)
     * @param timeoutMs connect and read timeout
     */
    public Downloader(Path cacheRoot, PrintStream log, boolean tty, int attempts, int timeoutMs) {
        this.cacheRoot = cacheRoot;
        this.log = log;
        this.tty = tty;
        this.attempts = Math.max(1, attempts);
        this.timeoutMs = timeoutMs;
    }

    public Path cacheRoot() { return cacheRoot; }

    /** Downloads whichever of the data set's four files are not yet in {@code dir} (verified). */
    public void fetch(Catalog.Spec spec, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot create the cache directory (" + e.getMessage() + ")", e);
        }
        // One downloader per cache directory at a time, across processes (two runs started together
        // would otherwise write the same .part file) and within this JVM (file locks are per process).
        synchronized (Downloader.class) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(".download.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 java.nio.channels.FileLock lock = ch.lock()) {
                List<Integer> todo = new ArrayList<>();
                for (int k = 0; k < 4; k++) if (!haveGood(spec, dir, k)) todo.add(k);
                if (todo.isEmpty()) return;
                if (spec.zip()) fetchFromZip(spec, dir, todo);
                else for (int k : todo) fetchFile(spec, dir, k);
            } catch (IOException e) {
                throw new DataException(dir + ": cannot lock the cache directory (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Whether dir holds file k already (raw, or gzipped with the right MD5). */
    private static boolean haveGood(Catalog.Spec spec, Path dir, int k) {
        if (Files.isRegularFile(dir.resolve(spec.files().get(k)))) return true;
        Path gz = dir.resolve(spec.gzName(k));
        if (!Files.isRegularFile(gz)) return false;
        String want = spec.md5().get(k);
        return want == null || want.equalsIgnoreCase(Md5.of(gz));
    }

    private void fetchFile(Catalog.Spec spec, Path dir, int k) {
        String name = spec.gzName(k);
        Path target = dir.resolve(name), part = dir.resolve(name + ".part");
        List<String> errors = new ArrayList<>();
        for (String base : spec.urls()) {
            String url = base.endsWith("/") ? base + name : base + "/" + name;
            try {
                transfer(url, part, name);
                String got = Md5.of(part), want = spec.md5().get(k);
                if (want != null && !want.equalsIgnoreCase(got)) {
                    Files.deleteIfExists(part);
                    errors.add(url + ": checksum mismatch, got MD5 " + got + ", expected " + want);
                    continue;
                }
                AtomicFiles.move(part, target);
                return;
            } catch (IOException | DataException e) {
                errors.add(url + ": " + describe(e));
            }
        }
        throw failure(spec, dir, errors);
    }

    private void fetchFromZip(Catalog.Spec spec, Path dir, List<Integer> todo) {
        Path zip = dir.resolve("archive.zip"), part = dir.resolve("archive.zip.part");
        List<String> errors = new ArrayList<>();
        for (String url : spec.urls()) {
            try {
                if (!Files.isRegularFile(zip)) {
                    transfer(url, part, spec.name() + " archive");
                    AtomicFiles.move(part, zip);
                }
                try {
                    extract(spec, dir, zip, todo, url);
                    return;
                } finally {
                    // Good or bad, the archive has served: extracted members are verified, and a
                    // corrupt archive must not be reused on the next try.
                    Files.deleteIfExists(zip);
                }
            } catch (IOException | DataException e) {
                errors.add(url + ": " + describe(e));
            }
        }
        throw failure(spec, dir, errors);
    }

    /** Streams through the archive, writing (and verifying) only the members we need. */
    private void extract(Catalog.Spec spec, Path dir, Path zip, List<Integer> todo, String url) throws IOException {
        List<Integer> left = new ArrayList<>(todo);
        if (log != null) log.println("extracting " + spec.name() + " from " + zip.getFileName());
        try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(zip), 1 << 16))) {
            for (ZipEntry e; !left.isEmpty() && (e = in.getNextEntry()) != null; ) {
                String entry = e.getName();
                String base = entry.substring(entry.lastIndexOf('/') + 1);
                Integer match = null;
                for (int k : left) if (base.equals(spec.gzName(k))) match = k;
                if (match == null || e.isDirectory()) continue;
                MessageDigest md = Md5.digest();
                int member = match;
                AtomicFiles.write(dir.resolve(base), out -> {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                    // checked before the rename: a bad member never replaces anything
                    String got = Md5.hex(md), want = spec.md5().get(member);
                    if (want != null && !want.equalsIgnoreCase(got))
                        throw new DataException("member " + entry + ": checksum mismatch, got MD5 " + got + ", expected " + want);
                });
                left.remove(match);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DataException("the archive is truncated or corrupt (" + e.getMessage() + ")", e);
        }
        if (!left.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (int k : left) names.add(spec.zipFolder() + spec.gzName(k));
            throw new DataException("the archive has no member " + String.join(", ", names) + " (truncated or not the EMNIST archive?)");
        }
    }

    /**
     * Downloads url into part, resuming a previous partial transfer where possible, retrying a
     * dropped connection up to {@code attempts} times. Returns normally only when the whole body
     * (Content-Length, when the server gives one) has arrived.
     */
    void transfer(String url, Path part, String what) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            HttpURLConnection c = open(url, have);
            try {
                int code = c.getResponseCode();
                long total;
                boolean append;
                if (code == 206 && have > 0 && rangeStartsAt(c.getHeaderField("Content-Range"), have)) {
                    append = true;
                    long len = c.getContentLengthLong();
                    total = len < 0 ? -1 : have + len;
                } else if (code == 200 || code == 206) {
                    append = false; // the server ignored our Range: start over
                    total = code == 200 ? c.getContentLengthLong() : -1;
                    have = 0;
                } else if (code == 416 && have > 0) {
                    Files.deleteIfExists(part); // our partial file is bogus (longer than the file): start over
                    last = new IOException("server refused to resume (HTTP 416)");
                    continue;
                } else {
                    throw new HttpStatus("HTTP " + code + (c.getResponseMessage() == null ? "" : " " + c.getResponseMessage()));
                }
                long done = have;
                Progress p = new Progress(log, tty, what, total, have);
                try (InputStream in = c.getInputStream();
                     OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                             append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        done += n;
                        p.update(done);
                    }
                } catch (IOException e) {
                    throw new IOException("connection lost after " + done + (total > 0 ? " of " + total : "") + " bytes (" + describe(e) + ")", e);
                }
                if (total >= 0 && done != total)
                    throw new IOException("connection closed after " + done + " of " + total + " bytes");
                p.finish(done);
                return;
            } catch (UnknownHostException | ConnectException | NoRouteToHostException | HttpStatus e) {
                throw e; // unreachable or refused: retrying will not help, try the next mirror
            } catch (IOException e) {
                last = e;
                if (log != null) log.println(what + ": " + e.getMessage() + (attempt + 1 < attempts ? "; retrying" : ""));
                try {
                    Thread.sleep(100L * (attempt + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            } finally {
                c.disconnect();
            }
        }
        throw last;
    }

    /** A definite HTTP error status (404, 403...): not worth retrying on the same URL. */
    private static final class HttpStatus extends IOException {
        HttpStatus(String m) { super(m); }
    }

    /**
     * Opens url asking for bytes from {@code from} on, following up to 5 redirects itself:
     * HttpURLConnection will not follow one that switches between http and https, which mirrors do.
     */
    private HttpURLConnection open(String url, long from) throws IOException {
        URI u = URI.create(url);
        for (int hops = 0; ; hops++) {
            HttpURLConnection c = (HttpURLConnection) u.toURL().openConnection();
            c.setConnectTimeout(timeoutMs);
            c.setReadTimeout(timeoutMs);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "gmvae4j");
            if (from > 0) c.setRequestProperty("Range", "bytes=" + from + "-");
            int code = c.getResponseCode();
            String loc = c.getHeaderField("Location");
            if (code / 100 != 3 || code == 304 || loc == null) return c;
            c.disconnect();
            if (hops == 5) throw new HttpStatus("too many redirects (last to " + loc + ")");
            u = u.resolve(loc);
        }
    }

    private static boolean rangeStartsAt(String contentRange, long start) {
        return contentRange != null && contentRange.trim().startsWith("bytes " + start + "-");
    }

    private static String describe(Exception e) {
        if (e instanceof UnknownHostException) return "unknown host " + e.getMessage() + " (offline?)";
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) return "cannot connect (" + e.getMessage() + ")";
        if (e instanceof SocketTimeoutException) return "timed out";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static DataException failure(Catalog.Spec spec, Path dir, List<String> errors) {
        return new DataException(spec.name() + ": download failed: " + String.join("; ", errors)
                + ". To work offline, put " + String.join(", ", spec.files().stream().map(f -> f + "[.gz]").toList())
                + " in a directory and pass --data DIR, or in $GMVAE_DATA/" + spec.name() + "/, or in the cache " + dir + "/");
    }
}
