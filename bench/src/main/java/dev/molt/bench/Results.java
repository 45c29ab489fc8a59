package dev.molt.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A result file: sorted {@code key=value} lines, written by each measuring program and read by
 * {@link Report}. Plain properties keep the report generator free of a JSON library; JMH's own
 * JSON is kept beside them as the raw record.
 */
final class Results {

    private final TreeMap<String, String> values = new TreeMap<>();

    void put(String key, Object value) {
        values.put(key, String.valueOf(value));
    }

    String get(String key) {
        return values.get(key);
    }

    double number(String key) {
        String v = values.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (var e : values.entrySet()) {
                w.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\").replace("\n", "\\n") + "\n");
            }
        }
    }

    static Results read(Path file) throws IOException {
        Results r = new Results();
        if (!Files.exists(file)) {
            return r;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        p.forEach((k, v) -> r.values.put((String) k, (String) v));
        return r;
    }
}
