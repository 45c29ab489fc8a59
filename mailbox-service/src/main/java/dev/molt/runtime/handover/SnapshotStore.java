package dev.molt.runtime.handover;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime's durable snapshot: one neutral {@link Image}, encoded by {@link ImageCodec}, in the file
 * {@value #FILE_NAME} of a directory (the runtime bundle's data area).
 *
 * <p>A write replaces the snapshot only with a complete one: it encodes to {@value #TEMP_NAME} in the
 * same directory, forces it to disk, renames it over {@value #FILE_NAME} atomically and forces the
 * directory. A crash at any point (kill -9, power loss) leaves the previous snapshot readable. A file
 * that cannot be read is moved aside to {@code snapshot.cbor.corrupt-<epoch millis>}, never deleted,
 * so that the runtime can start empty and say why. Whether a restored snapshot is deleted is the
 * caller's policy ({@link #delete}).
 *
 * <p>Thread rule: one caller at a time: every method that touches the files is synchronized, so a read
 * never moves aside a snapshot a concurrent write just put in place. {@link #lastWrite} is a volatile
 * read and needs no lock. The image handed to {@link #write} must not change until it returns. Memory:
 * writing streams the encoding to the file and reading decodes as it reads, so neither holds the
 * file's bytes in memory beside the image.
 */
public final class SnapshotStore {

    public static final String FILE_NAME = "snapshot.cbor";
    static final String TEMP_NAME = "snapshot.cbor.tmp";
    static final String CORRUPT_PREFIX = "snapshot.cbor.corrupt-";

    /**
     * What the last successful write took.
     *
     * @param bytes  the snapshot's size
     * @param millis from the start of encoding until the rename was on disk
     */
    public record WriteFigures(long bytes, long millis) {
    }

    /** A snapshot file that could not be read; it has been moved aside to {@link #movedTo}. */
    public static final class UnreadableSnapshotException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path movedTo;

        UnreadableSnapshotException(String message, Path movedTo) {
            super(message);
            this.movedTo = movedTo;
        }

        /** Where the unreadable file now is. */
        public Path movedTo() {
            return movedTo;
        }
    }

    private final Path directory;
    private final Path file;
    private final Path temp;
    private volatile WriteFigures lastWrite;

    /** A store in {@code directory}, which is created on the first write if missing. */
    public SnapshotStore(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
        this.temp = directory.resolve(TEMP_NAME);
    }

    /** The snapshot file (which may not exist). */
    public Path file() {
        return file;
    }

    /**
     * Writes {@code image} as the snapshot, replacing the previous one once the new one is complete on
     * disk. If encoding is refused or fails, the previous snapshot stays as it was.
     *
     * @throws IllegalArgumentException if the image is not neutral (see {@link ImageCodec#encode(Map, OutputStream)})
     */
    public synchronized void write(Map<String, Object> image) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(directory);
        long bytes;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                ImageCodec.encode(image, out);
                out.flush();
                channel.force(true);
                bytes = channel.size();
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
        forceDirectory();
        lastWrite = new WriteFigures(bytes, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The snapshot, or empty if there is none.
     *
     * @throws UnreadableSnapshotException if the file is not a readable image (damaged, truncated, of
     *                                     another format); it has been moved aside when this is thrown
     * @throws IOException                 if the file cannot be read at all (it is left where it is)
     */
    public synchronized Optional<Map<String, Object>> read() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(ImageCodec.decode(in));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (ImageCodec.UnreadableImageException e) {
            Path aside = moveAside();
            throw new UnreadableSnapshotException("the snapshot " + file + " cannot be read (" + e.getMessage()
                    + "); it was moved aside to " + aside.getFileName() + ", so the runtime starts without it", aside);
        }
    }

    /** Removes the snapshot; false if there was none. */
    public synchronized boolean delete() throws IOException {
        boolean existed = Files.deleteIfExists(file);
        if (existed) {
            forceDirectory();
        }
        return existed;
    }

    /** The figures of the last successful write through this store, if any. */
    public Optional<WriteFigures> lastWrite() {
        return Optional.ofNullable(lastWrite);
    }

    private Path moveAside() throws IOException {
        long millis = System.currentTimeMillis();
        while (true) {
            Path aside = directory.resolve(CORRUPT_PREFIX + millis);
            try {
                // A rename within the directory; not ATOMIC_MOVE, which would replace an earlier corrupt
                // file of the same millisecond instead of failing.
                Files.move(file, aside);
                forceDirectory();
                return aside;
            } catch (FileAlreadyExistsException e) {
                millis++;
            }
        }
    }

    /** Makes the directory's entries (a rename, a delete) durable where the platform allows it. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory: the rename is atomic there too, and durable when the OS flushes.
        }
    }

    private static void deleteQuietly(Path p, Exception cause) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
