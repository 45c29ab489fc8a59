package dev.molt.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks (ping-pong, fan-in, fan-out; Molt and Pekko each) in one fork per
 * benchmark with the given JVM flags, and writes JMH's JSON plus {@code jmh.properties} with
 * every score turned into messages per second.
 *
 * <p>Usage: {@code JmhMain OUTPUT_DIR "JVM FLAGS" [quick]}. Quick runs one short iteration of
 * each, to check the harness, not to measure.
 */
public final class JmhMain {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String[] jvmFlags = args[1].isBlank() ? new String[0] : args[1].trim().split("\\s+");
        boolean quick = args.length > 2 && args[2].equals("quick");

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.molt\\.bench\\.(PingPong|FanIn|FanOut)\\.")
                .forks(1)
                .jvmArgs(jvmFlags)
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh.json").toString());
        if (quick) {
            options.warmupIterations(1).measurementIterations(1)
                    .warmupTime(TimeValue.milliseconds(300)).measurementTime(TimeValue.milliseconds(300));
        }
        Collection<RunResult> runs = new Runner(options.build()).run();

        Results results = new Results();
        results.put("jmh.jvmFlags", String.join(" ", jvmFlags));
        for (RunResult run : runs) {
            String name = run.getParams().getBenchmark().replace("dev.molt.bench.", "");
            Result<?> r = run.getPrimaryResult();
            double[] perSecond = perSecond(r.getScore(), r.getScoreError(), r.getScoreUnit());
            results.put("jmh." + name + ".perSecond", perSecond[0]);
            results.put("jmh." + name + ".perSecondLow", perSecond[1]);
            results.put("jmh." + name + ".perSecondHigh", perSecond[2]);
            results.put("jmh." + name + ".raw", r.getScore() + " ± " + r.getScoreError() + " " + r.getScoreUnit());
            results.put("jmh." + name + ".mode", run.getParams().getMode().shortLabel());
            results.put("jmh." + name + ".iterations", run.getParams().getMeasurement().getCount()
                    + " x " + run.getParams().getMeasurement().getTime()
                    + ", warm-up " + run.getParams().getWarmup().getCount());
        }
        results.write(dir.resolve("jmh.properties"));
    }

    /**
     * A score as {messages per second, lower bound, upper bound}; throughput scores are already
     * per second, single-shot scores are nanoseconds per message. The bounds come from JMH's
     * 99.9% confidence interval (NaN when there were too few iterations).
     */
    static double[] perSecond(double score, double error, String unit) {
        return switch (unit) {
            case "ops/s" -> new double[] {score, score - error, score + error};
            case "ns/op" -> new double[] {1e9 / score, 1e9 / (score + error), 1e9 / (score - error)};
            default -> throw new IllegalStateException("unexpected JMH unit " + unit + " in "
                    + Arrays.toString(new Object[] {score, error}));
        };
    }
}
