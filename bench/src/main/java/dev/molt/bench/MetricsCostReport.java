package dev.molt.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code bench/metrics-cost} prints: for each JDK and workload, the median rate with the
 * runtime's latency timing off, at its default and on every message, and each setting's cost as the
 * median of the pairwise ratios to "off" (a pair: the JVMs of one round, started one after the other).
 *
 * <p>Usage: {@code MetricsCostReport RESULTS.properties}, keys {@code jdkJ.WORKLOAD.SETTING.PAIR.median}.
 */
public final class MetricsCostReport {

    static final String[] SETTINGS = {"off", "default", "all"};

    public static void main(String[] args) throws Exception {
        Results r = Results.read(Path.of(args[0]));
        System.out.println("| JDK | workload | off msgs/s | default (1 in 64 timed) | all (every message, per process) |");
        System.out.println("|---|---|--:|--:|--:|");
        for (String jdk : new String[]{"17", "25"}) {
            for (String w : new String[]{"pingpong", "fanin"}) {
                List<double[]> bySetting = new ArrayList<>();
                for (String s : SETTINGS) {
                    List<Double> rates = new ArrayList<>();
                    for (int pair = 1; r.get("jdk" + jdk + "." + w + "." + s + "." + pair + ".median") != null; pair++) {
                        rates.add(r.number("jdk" + jdk + "." + w + "." + s + "." + pair + ".median"));
                    }
                    bySetting.add(rates.stream().mapToDouble(Double::doubleValue).toArray());
                }
                double[] off = bySetting.get(0);
                if (off.length == 0) {
                    continue;
                }
                StringBuilder row = new StringBuilder("| " + jdk + " | " + w + " | " + String.format(Locale.ROOT, "%,.0f", Stats.median(off)));
                for (int s = 1; s < SETTINGS.length; s++) {
                    double[] on = bySetting.get(s);
                    int n = Math.min(on.length, off.length);
                    double[] ratios = new double[n];
                    for (int i = 0; i < n; i++) {
                        ratios[i] = on[i] / off[i];
                    }
                    row.append(String.format(Locale.ROOT, " | %,.0f (%.2fx of off, pairs %.2f-%.2f)", Stats.median(on),
                            Stats.median(ratios), Stats.min(ratios), Stats.max(ratios)));
                }
                System.out.println(row.append(" |"));
            }
        }
    }

    private MetricsCostReport() {
    }
}
