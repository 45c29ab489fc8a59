package dev.molt.runtime.handover;

import java.nio.file.Path;
import java.util.Map;

/**
 * A JVM that writes snapshots until it is killed, for {@link SnapshotStoreTest}: prints "writing N"
 * before each write and "wrote N" after it.
 */
public final class SnapshotWriterProcess {

    private SnapshotWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        SnapshotStore store = new SnapshotStore(Path.of(args[0]));
        Map<String, Object> image = Images.image(Integer.parseInt(args[1]));
        for (int n = 1; ; n++) {
            image.put(Image.K_RUNTIME, "write " + n);
            System.out.println("writing " + n);
            store.write(image);
            System.out.println("wrote " + n);
        }
    }
}
