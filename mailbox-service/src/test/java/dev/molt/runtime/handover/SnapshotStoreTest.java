package dev.molt.runtime.handover;

import static dev.molt.runtime.handover.Images.assertExact;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The snapshot file: replaced only by a complete one, an unreadable one moved aside, none read as empty. */
public class SnapshotStoreTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static Map<String, Object> image(String label, int processes) {
        Map<String, Object> image = Images.image(processes);
        image.put(Image.K_RUNTIME, label);
        return image;
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    public void anEmptyOrMissingDirectoryHasNoSnapshot() throws Exception {
        Path dir = folder.getRoot().toPath();
        assertEquals(Optional.empty(), new SnapshotStore(dir).read());
        assertEquals(Optional.empty(), new SnapshotStore(dir.resolve("not yet")).read());
        assertFalse(new SnapshotStore(dir).delete());
        assertEquals(Optional.empty(), new SnapshotStore(dir).lastWrite());
    }

    @Test
    public void aWriteReplacesThePreviousSnapshot() throws Exception {
        Path dir = folder.getRoot().toPath().resolve("data");
        SnapshotStore store = new SnapshotStore(dir);
        Map<String, Object> a = image("A", 10);
        Map<String, Object> b = image("B", 20);
        store.write(a);
        store.write(b);
        Map<String, Object> read = store.read().orElseThrow();
        assertEquals("B", read.get(Image.K_RUNTIME));
        assertExact("snapshot", b, read);
        assertEquals(List.of(SnapshotStore.FILE_NAME), files(dir));
        SnapshotStore.WriteFigures figures = store.lastWrite().orElseThrow();
        assertEquals(Files.size(store.file()), figures.bytes());
        assertTrue(figures.millis() >= 0);
        // Another store on the same directory (the next runtime) reads the same.
        assertExact("snapshot", b, new SnapshotStore(dir).read().orElseThrow());
    }

    @Test
    public void aRefusedWriteLeavesThePreviousSnapshot() throws Exception {
        Path dir = folder.getRoot().toPath();
        SnapshotStore store = new SnapshotStore(dir);
        store.write(image("A", 5));
        byte[] before = Files.readAllBytes(store.file());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.write(Images.withState(3, new CompletableFuture<Void>())));
        assertTrue(e.getMessage(), e.getMessage().startsWith("process 3's state holds a java.util.concurrent.CompletableFuture"));
        assertArrayEquals(before, Files.readAllBytes(store.file()));
        assertEquals(List.of(SnapshotStore.FILE_NAME), files(dir));
        assertEquals("A", store.read().orElseThrow().get(Image.K_RUNTIME));
    }

    @Test
    public void aWriteCutShortByACrashLeavesThePreviousSnapshotReadable() throws Exception {
        Path dir = folder.getRoot().toPath();
        SnapshotStore store = new SnapshotStore(dir);
        store.write(image("A", 5));
        // What kill -9 during the next write leaves: half a temporary file beside the snapshot.
        byte[] next = ImageCodec.encode(image("B", 5));
        Files.write(dir.resolve(SnapshotStore.TEMP_NAME), java.util.Arrays.copyOf(next, next.length / 2));
        SnapshotStore restarted = new SnapshotStore(dir);
        assertEquals("A", restarted.read().orElseThrow().get(Image.K_RUNTIME));
        restarted.write(image("C", 5));
        assertEquals("C", restarted.read().orElseThrow().get(Image.K_RUNTIME));
        assertEquals(List.of(SnapshotStore.FILE_NAME), files(dir));
    }

    /** kill -9 of a JVM in the middle of a write: what is left is the last complete snapshot, readable. */
    @Test
    public void aWriterKilledMidwayLeavesTheLastCompleteSnapshot() throws Exception {
        Path dir = folder.getRoot().toPath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SnapshotWriterProcess.class.getName(), dir.toString(), "100000")
                .redirectErrorStream(true).start();
        String last = null;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
                if (line.equals("writing 3")) {
                    Thread.sleep(20); // into the third write
                    child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
                    break;
                }
            }
            child.waitFor();
        } finally {
            child.destroyForcibly();
        }
        assertEquals("the writer's output ended with: " + last, "writing 3", last);
        Map<String, Object> read = new SnapshotStore(dir).read().orElseThrow();
        Object written = read.get(Image.K_RUNTIME);
        assertTrue(String.valueOf(written), written.equals("write 2") || written.equals("write 3"));
        assertEquals(100_000, ((List<?>) read.get(Image.K_PROCESSES)).size());
        System.out.println("SnapshotStore, writer killed in its third write: read back '" + written + "'; files left: " + files(dir));
    }

    @Test
    public void aTruncatedSnapshotIsMovedAsideWithAOneLineError() throws Exception {
        Path dir = folder.getRoot().toPath();
        SnapshotStore store = new SnapshotStore(dir);
        store.write(image("A", 100));
        byte[] whole = Files.readAllBytes(store.file());
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        Files.write(store.file(), half);

        SnapshotStore.UnreadableSnapshotException e = assertThrows(SnapshotStore.UnreadableSnapshotException.class, store::read);
        String m = e.getMessage();
        assertFalse(m, m.contains("\n"));
        assertTrue(m, m.startsWith("the snapshot " + store.file() + " cannot be read (the image ends early, at byte "));
        assertTrue(m, m.contains("it is truncated); it was moved aside to " + e.movedTo().getFileName()
                + ", so the runtime starts without it"));
        assertTrue(e.movedTo().getFileName().toString().matches("snapshot\\.cbor\\.corrupt-\\d+"));
        assertArrayEquals(half, Files.readAllBytes(e.movedTo()));
        assertFalse(Files.exists(store.file()));
        assertEquals(Optional.empty(), store.read());

        // A second unreadable one in the same millisecond does not replace the first one moved aside.
        Files.write(store.file(), new byte[] {1, 2, 3});
        SnapshotStore.UnreadableSnapshotException again = assertThrows(SnapshotStore.UnreadableSnapshotException.class, store::read);
        assertFalse(again.movedTo().equals(e.movedTo()));
        assertArrayEquals(half, Files.readAllBytes(e.movedTo()));
        assertEquals(2, files(dir).size());
    }

    @Test
    public void deleteRemovesTheSnapshot() throws Exception {
        SnapshotStore store = new SnapshotStore(folder.getRoot().toPath());
        store.write(image("A", 1));
        assertTrue(store.delete());
        assertFalse(store.delete());
        assertEquals(Optional.empty(), store.read());
    }

    @Test
    public void writeAndReadTimesFor100kProcesses() throws Exception {
        SnapshotStore store = new SnapshotStore(folder.getRoot().toPath());
        Map<String, Object> image = Images.image(100_000);
        store.write(image); // warm
        store.write(image);
        long t0 = System.nanoTime();
        Map<String, Object> back = store.read().orElseThrow();
        long readMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(100_000, ((List<?>) back.get(Image.K_PROCESSES)).size());
        SnapshotStore.WriteFigures w = store.lastWrite().orElseThrow();
        System.out.printf("SnapshotStore, 100k processes: write %d ms (forced to disk), read %d ms, %,d bytes%n",
                w.millis(), readMillis, w.bytes());
    }
}
