package dev.molt.bench.remote;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The table of bench/run-remote: per JDK and workload, Molt's and Pekko's median rates over the
 * pairs, and the ratio Molt / Pekko as the median of the pairwise ratios with their spread (min to
 * max), so that a drift of the machine, which hits both sides of a pair alike, cancels out.
 *
 * <p>Usage: {@code RemoteReport remote.properties}; prints Markdown.
 */
public final class RemoteReport {

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        TreeSet<String> groups = new TreeSet<>(); // jdk17.pingpong
        for (String k : p.stringPropertyNames()) {
            if (k.endsWith(".rate")) {
                String[] parts = k.split("\\.");
                groups.add(parts[0] + "." + parts[1]);
            }
        }
        System.out.println("| JDK | workload | Molt msgs/s (median, min-max) | Pekko msgs/s (median, min-max) | Molt / Pekko (median of pairs, min-max) |");
        System.out.println("|---|---|---|---|---|");
        for (String g : groups) {
            List<Double> molt = new ArrayList<>();
            List<Double> pekko = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int pair = 1; ; pair++) {
                String m = p.getProperty(g + ".molt." + pair + ".rate");
                String k = p.getProperty(g + ".pekko." + pair + ".rate");
                if (m == null && k == null) {
                    break;
                }
                if (m != null) {
                    molt.add(Double.parseDouble(m));
                }
                if (k != null) {
                    pekko.add(Double.parseDouble(k));
                }
                if (m != null && k != null) {
                    ratios.add(Double.parseDouble(m) / Double.parseDouble(k));
                }
            }
            String[] gp = g.split("\\.");
            System.out.printf(Locale.ROOT, "| %s | remote %s | %s | %s | %s |%n", gp[0].substring(3), gp[1],
                    spread(molt, "%,.0f"), spread(pekko, "%,.0f"), spread(ratios, "%.2f"));
        }
    }

    private static String spread(List<Double> xs, String fmt) {
        if (xs.isEmpty()) {
            return "-";
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        return String.format(Locale.ROOT, fmt + " (" + fmt + "-" + fmt + ", n=%d)", median, s.get(0), s.get(s.size() - 1),
                s.size());
    }
}
