package gmvae4j.label;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The session's append-only record of every action, one line each:
 *
 * <pre>
 *   FIELD \t FIELD \t ... \t CRC32(fields, hex) \n
 * </pre>
 *
 * An append returns only after the line is forced to the disk (fsync), so whatever the page was
 * told is saved survives {@code kill -9} and a power cut. A crash can still tear the last line
 * (written but not forced): {@link #open} detects it by the missing newline or a checksum that
 * does not match, reports it and cuts it off; a bad line anywhere else means the file was
 * damaged by something other than a crash, and opening fails rather than silently dropping
 * answers. Appends are serialised, so two tabs (two request threads) never interleave a line.
 */
public final class Journal implements AutoCloseable {
    private final FileChannel channel;
    private final List<String[]> records;
    private final String repaired;

    private Journal(FileChannel channel, List<String[]> records, String repaired) {
        this.channel = channel;
        this.records = records;
        this.repaired = repaired;
    }

    /** Opens (creating if absent) the journal at file, reading back its records. */
    public static Journal open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) throw new IOException("journal " + file + " is too large (" + size + " bytes)");
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) { /* read all */ }
            byte[] all = buf.array();
            List<String[]> records = new ArrayList<>();
            String repaired = null;
            int start = 0, lineNo = 0;
            while (start < all.length) {
                lineNo++;
                int end = start;
                while (end < all.length && all[end] != '\n') end++;
                boolean complete = end < all.length;
                String[] fields = complete ? parse(new String(all, start, end - start, StandardCharsets.UTF_8)) : null;
                if (fields == null) {
                    if (end + 1 < all.length)
                        throw new IOException("journal " + file + ": line " + lineNo + " is damaged (bad checksum) and is not the last line; "
                                + "refusing to drop answers after it (fix or move the file)");
                    repaired = "journal " + file + ": the last line (" + lineNo + ", " + (end - start)
                            + " bytes) was torn by a crash and is dropped; the " + records.size() + " lines before it are intact";
                    ch.truncate(start);
                    ch.force(true);
                    break;
                }
                records.add(fields);
                start = end + 1;
            }
            ch.position(ch.size());
            return new Journal(ch, records, repaired);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The records read at open, in order (each one line's fields). */
    public List<String[]> records() { return records; }

    /** What {@link #open} had to cut off, or null when the file was whole. */
    public String repaired() { return repaired; }

    /** Appends one record and forces it to disk before returning. Fields may not hold tabs or newlines. */
    public synchronized void append(String... fields) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (f.indexOf('\t') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0)
                throw new IllegalArgumentException("journal fields may not contain tabs or newlines");
            sb.append(f).append('\t');
        }
        sb.append(crc(sb.toString())).append('\n');
        ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) channel.write(b);
        channel.force(false);
    }

    @Override public synchronized void close() throws IOException { channel.close(); }

    /** The fields of a line, or null when its checksum does not match. */
    private static String[] parse(String line) {
        int tab = line.lastIndexOf('\t');
        if (tab < 0) return null;
        String body = line.substring(0, tab + 1);
        if (!crc(body).equals(line.substring(tab + 1))) return null;
        return body.isEmpty() ? new String[0] : body.substring(0, body.length() - 1).split("\t", -1);
    }

    private static String crc(String body) {
        CRC32 c = new CRC32();
        c.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }
}
