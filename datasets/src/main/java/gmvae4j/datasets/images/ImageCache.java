package gmvae4j.datasets.images;

import gmvae4j.datasets.DataLocator;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Decoded pictures kept between runs, so the second run over a folder starts at once.
 *
 * <p>Where: {@code <cache root>/images/} (the cache root is {@code $XDG_CACHE_HOME/gmvae4j} or
 * {@code ~/.cache/gmvae4j}, see {@link DataLocator#cacheRoot}); never inside the folder. One file
 * per (folder, conversion options), named by a hash of both, so re-running with changed files
 * replaces the entry instead of piling up new ones.
 *
 * <p>Valid when its key matches: SHA-256 over the conversion options and every listed file's
 * relative path, size and modification time. Any file added, removed, resized or touched gives
 * another key, and the folder is decoded again. A cache file that is damaged (CRC32) or from
 * another format version is ignored the same way.
 *
 * <p>Format (big-endian): magic {@code GMVIMG01}, the 32-byte key, S, the file count, per file
 * its path and a status byte (1 = decoded; 0 = bad, followed by the reason), the S·S bytes of
 * each decoded file in listing order, and a CRC32 of all that.
 */
public final class ImageCache {
    private ImageCache() {}

    private static final byte[] MAGIC = "GMVIMG01".getBytes(StandardCharsets.US_ASCII);

    /** Decoded pixels of a listing: {@code bad[i]} is null for a decoded file, else why it is bad. */
    public record Decoded(byte[] key, int size, byte[] pixels, String[] bad) {
        /** Pixels of file i (listing order) start here; -1 for a bad file. */
        public int[] offsets() {
            int[] off = new int[bad.length];
            int at = 0, d = size * size;
            for (int i = 0; i < bad.length; i++) {
                off[i] = bad[i] == null ? at : -1;
                if (bad[i] == null) at += d;
            }
            return off;
        }
    }

    /** The cache folder: {@code <cache root>/images}. */
    public static Path folder() { return DataLocator.cacheRoot(System.getenv()).resolve("images"); }

    /** The entry for a folder and options. */
    public static Path entry(Path root, ConversionOptions o) {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            real = root.toAbsolutePath().normalize();
        }
        byte[] h = sha256(real + "\n" + o.size() + "\n" + o.invert() + "\n" + o.maxPixels());
        return folder().resolve("folder-" + HexFormat.of().formatHex(h, 0, 10) + ".bin");
    }

    /** The key of a listing under the options. */
    public static byte[] key(ImageFolder.Listing l, ConversionOptions o) {
        MessageDigest md = digest();
        md.update(MAGIC);
        md.update((o.size() + "\n" + o.invert() + "\n" + o.maxPixels() + "\n").getBytes(StandardCharsets.UTF_8));
        for (ImageFolder.Entry e : l.files())
            md.update((e.path() + "\0" + e.size() + "\0" + e.modified() + "\n").getBytes(StandardCharsets.UTF_8));
        return md.digest();
    }

    /** The cached pixels when {@code file} holds this key for these paths; null otherwise (missing, stale, damaged). */
    public static Decoded load(Path file, byte[] key, List<ImageFolder.Entry> files, int size) {
        if (!Files.isRegularFile(file)) return null;
        CRC32 crc = new CRC32();
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
            if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) return null;
            if (!Arrays.equals(in.readNBytes(32), key)) return null;
            if (in.readInt() != size || in.readInt() != files.size()) return null;
            String[] bad = new String[files.size()];
            int good = 0;
            for (int i = 0; i < bad.length; i++) {
                if (!in.readUTF().equals(files.get(i).path())) return null;
                if (in.readByte() == 0) bad[i] = in.readUTF();
                else good++;
            }
            byte[] px = in.readNBytes(Math.multiplyExact(good, size * size));
            if (px.length != good * size * size) return null;
            long want = crc.getValue();
            if (in.readLong() != want) return null;
            return new Decoded(key, size, px, bad);
        } catch (IOException | RuntimeException e) {
            return null; // a damaged or foreign cache file: decode again
        }
    }

    /** Writes the entry; a failure to cache is not a failure of the run (returns the reason, else null). */
    public static String store(Path file, Decoded d, List<ImageFolder.Entry> files) {
        try {
            gmvae4j.io.AtomicFiles.write(file, out -> {
                CRC32 crc = new CRC32();
                DataOutputStream o = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(out, 1 << 16), crc));
                o.write(MAGIC);
                o.write(d.key());
                o.writeInt(d.size());
                o.writeInt(files.size());
                for (int i = 0; i < files.size(); i++) {
                    o.writeUTF(files.get(i).path());
                    o.writeByte(d.bad()[i] == null ? 1 : 0);
                    if (d.bad()[i] != null) o.writeUTF(d.bad()[i]);
                }
                o.write(d.pixels());
                o.flush();
                new DataOutputStream(out).writeLong(crc.getValue());
            });
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    private static byte[] sha256(String s) { return digest().digest(s.getBytes(StandardCharsets.UTF_8)); }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
