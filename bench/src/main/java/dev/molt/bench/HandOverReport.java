package dev.molt.bench;

import dev.molt.bench.molt.MoltSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The section "Runtime hand-over and snapshots" of {@code docs/BENCHMARKS.md}, from the results of
 * {@code bench/handover} ({@link RuntimeHandOverCost}, in {@code bench/target/results-handover/}).
 * Those take longer than the rest of the page together, so they are their own run: {@code bench/handover}
 * puts its section into the page in place of the one before, and {@link Report}, remaking the page
 * after {@code bench/run}, takes the section from those results if they are there, else carries the
 * page's section over as it was (its own lines say when and on which commit it was measured).
 *
 * <p>Usage: {@code HandOverReport RESULTS_DIR PAGE.md}: replaces (or adds, before "Fairness") the
 * section in PAGE.md.
 */
public final class HandOverReport {

    static final String TITLE = "## Runtime hand-over and snapshots";
    static final int[] SIZES = {10_000, 100_000, 1_000_000};

    private final Results run;
    private final Results r;
    private final List<String> jdks;
    private final int jvms;
    private final StringBuilder md = new StringBuilder();

    HandOverReport(Path dir) throws IOException {
        run = Results.read(dir.resolve("run.properties"));
        r = Results.read(dir.resolve("handover.properties"));
        String j = run.get("jdks");
        jdks = j == null || j.isBlank() ? List.of() : List.of(j.trim().split("\\s+"));
        jvms = run.get("jvms") == null ? 0 : Integer.parseInt(run.get("jvms"));
    }

    public static void main(String[] args) throws IOException {
        Path page = Path.of(args[1]);
        String section = section(Path.of(args[0]));
        if (section == null) {
            System.err.println("no hand-over results in " + args[0] + ": run bench/handover first");
            System.exit(1);
        }
        String text = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
        Files.writeString(page, splice(text, section), StandardCharsets.UTF_8);
        System.out.println("wrote the section \"" + TITLE.substring(3) + "\" into " + page);
    }

    /** The section from the results in {@code dir}, or null if there are none. */
    static String section(Path dir) throws IOException {
        if (!Files.exists(dir.resolve("run.properties")) || !Files.exists(dir.resolve("handover.properties"))) {
            return null;
        }
        return new HandOverReport(dir).make();
    }

    /** The section as {@code page} has it (up to the next "## " heading), or null. */
    static String existing(String page) {
        int i = page.indexOf("\n" + TITLE + "\n");
        if (i < 0) {
            return null;
        }
        int end = page.indexOf("\n## ", i + 1);
        return page.substring(i + 1, end < 0 ? page.length() : end + 1);
    }

    /** {@code page} with {@code section} in place of its own, or before "Fairness" (or at the end). */
    static String splice(String page, String section) {
        String old = existing(page);
        if (old != null) {
            return page.replace(old, section);
        }
        int at = page.indexOf("\n## Fairness");
        if (at < 0) {
            return page + (page.endsWith("\n") || page.isEmpty() ? "" : "\n") + section;
        }
        return page.substring(0, at + 1) + section + page.substring(at + 1);
    }

    String make() {
        md.append(TITLE).append("\n\n");
        md.append("Molt replacing its own runtime under running processes (a runtime bundle update), and writing them to "
                + "disk and back (durable processes), measured by `dev.molt.bench.RuntimeHandOverCost` on the runtime core "
                + "without a framework. No peer is beside it: neither Erlang/OTP nor Pekko can replace its own runtime "
                + "under running processes or restore them in another VM, so there is nothing to compare with.\n\n");
        md.append("- Command: `").append(run.get("command")).append("` from the repository root (").append(run.get("minutes"))
                .append(" minutes; not part of `bench/run`); `bench/handover --report` puts this section back from "
                + "`bench/target/results-handover/`.\n");
        md.append("- When: ").append(run.get("started")).append(", commit `").append(run.get("commit")).append("`; load average "
                + "(1/5/15 min) before: ").append(run.get("loadBefore")).append(", after: ").append(run.get("loadAfter"))
                .append("; each JVM's 1-minute load at its end is in the last column.\n");
        String note = run.get("note");
        if (note != null && !note.isBlank()) {
            md.append("- **Note:** ").append(note).append("\n");
        }
        String failed = run.get("failed");
        if (failed != null && !failed.isBlank()) {
            for (String f : failed.split("\\|")) {
                md.append("- **Failed** (its check; no figure of that JVM's size counts): ").append(f).append("\n");
            }
        }
        for (String v : jdks) {
            md.append("- Java ").append(v).append(": ").append(run.get("jvm." + v).trim()).append(", `")
                    .append(run.get("jvmFlags." + v)).append("` (the heap `bench/run` gives every JVM, 1M processes included).\n");
        }
        md.append("- Molt: `").append(MoltSupport.settingsText()).append("`; hand-over grace = `upgradeTimeout`, as the runtime "
                + "bundle gives it.\n");
        md.append("- Per JDK ").append(jvms).append(" JVMs for the hand-overs and ").append(jvms).append(" for the snapshots, each "
                + "doing every size in turn with a fresh runtime: one warm-up, then ")
                .append(run.get("rounds")).append(" measured hand-overs (or snapshots with their restores). Cells give "
                + "min / **median** / max over every measured one of that JDK and size (count in the *n* column).\n");
        md.append("- Workload: N processes of one behaviour, each state a record (a count and the time of its last message); "
                + "one sender thread sends to them round-robin throughout, never more than ")
                .append(Report.fmt(RuntimeHandOverCost.IN_FLIGHT)).append(" messages ahead of the handlers (as the upgrade "
                + "table above). Every hand-over and every restore is checked before its figures count (see the notes).\n\n");
        handOvers();
        snapshots();
        return md.toString();
    }

    void handOvers() {
        md.append("### Runtime hand-over\n\n");
        md.append("Runtime A hands every process over (`handOver`: each exports itself at its next boundary), a new runtime B "
                + "registers the same behaviour (name, version, code object) and takes the image (`takeOver(image, true)`); "
                + "then the sender sends to B (A's relay passed its sends on until then). *Total*: handOver's call to "
                + "takeOver's return (medians of its two parts beside it). *Longest pause*: A's first export to takeOver's "
                + "return. *Gap per process*: from the last message a process handled in A to its first in B (its handler "
                + "keeps `System.nanoTime()` in its state): p50 / p99 / max of each hand-over, medians of those over the "
                + "hand-overs (max: the largest); the *steady gap* is the same measure across a moment with no hand-over "
                + "(with round-robin sending, a process waits N / rate for its next message anyway). *Msgs*: sent / handled "
                + "from handOver's call to takeOver's return (medians), and the rate handled then against the steady rate just "
                + "before. *GC*: collection time the JVM counted in that window (median).\n\n");
        md.append("| Java | processes | total ms | handOver / takeOver ms | longest pause ms | gap per process p50 / p99 / max ms | "
                + "steady gap p50 / p99 ms | msgs sent / handled | rate vs steady | GC ms | others' CPU | n | load |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (String v : jdks) {
            for (int n : SIZES) {
                String k = ".handover." + n + ".";
                double[] wall = all(v, k + "wallMs");
                if (wall.length == 0) {
                    continue;
                }
                double[] share = ratio(all(v, k + "windowPerSecond"), all(v, k + "steadyPerSecond"));
                md.append("| ").append(v).append(" | ").append(Report.fmt(n)).append(" | ").append(mmm(wall, "%,.1f"))
                        .append(" | ").append(f1(med(v, k + "handOverMs"))).append(" / ").append(f1(med(v, k + "takeOverMs")))
                        .append(" | ").append(mmm(all(v, k + "longestPauseMs"), "%,.1f"))
                        .append(" | ").append(f1(med(v, k + "gapP50Ms"))).append(" / ").append(f1(med(v, k + "gapP99Ms")))
                        .append(" / ").append(f1(Stats.max(all(v, k + "gapMaxMs"))))
                        .append(" | ").append(f1(medOne(v, k + "steadyGap.p50Ms"))).append(" / ")
                        .append(f1(medOne(v, k + "steadyGap.p99Ms")))
                        .append(" | ").append(Report.fmt(med(v, k + "sent"))).append(" / ").append(Report.fmt(med(v, k + "handled")))
                        .append(" | ").append(Report.pct(Stats.median(share)))
                        .append(" | ").append(Report.fmt(med(v, k + "gcMs")))
                        .append(" | ").append(Report.fmt2(med(v, k + "othersCpu")))
                        .append(" | ").append(wall.length).append(" | ").append(loads(v, k)).append(" |\n");
            }
        }
        md.append("\n");
    }

    void snapshots() {
        md.append("### Snapshot to disk and restore\n\n");
        md.append("With the sender running, `snapshot()` (non-destructive: each process exports its state at its own "
                + "boundary and runs on) and the write as a durable runtime does it (`SnapshotWriter` into a `SnapshotStore`: "
                + "CBOR through `ImageCodec` to a temporary file, `force`, atomic rename, directory forced), on ext4 in "
                + "`bench/target/`. *Snapshot*: snapshot()'s call until the file is renamed and forced (medians of the two "
                + "parts beside it). *Size*: the file (median), which holds each process's queued messages too (*queued*, "
                + "median). Then, with the sender paused (a restore happens at a start), the *restore* into a fresh runtime: "
                + "read and decode the file, `takeOver(image, false)` (every process waits for its behaviour), register the "
                + "behaviour, until every process has imported (`importState` returned for each) and the runtime counts all "
                + "of them bound to the version again (medians of read+decode / new runtime+takeOver / register+imports "
                + "beside it). *Rate*: messages handled during the snapshot against the steady rate just before.\n\n");
        md.append("| Java | processes | snapshot ms | snapshot() / write ms | bytes on disk | bytes per process | queued | "
                + "rate vs steady | restore ms | read / takeOver / imports ms | GC ms snapshot / restore | others' CPU | n | load |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (String v : jdks) {
            for (int n : SIZES) {
                String k = ".snapshot." + n + ".";
                double[] snap = all(v, k + "snapshotMs");
                if (snap.length == 0) {
                    continue;
                }
                double[] share = ratio(all(v, k + "windowPerSecond"), all(v, k + "steadyPerSecond"));
                md.append("| ").append(v).append(" | ").append(Report.fmt(n)).append(" | ").append(mmm(snap, "%,.1f"))
                        .append(" | ").append(f1(med(v, k + "takeMs"))).append(" / ").append(f1(med(v, k + "writeMs")))
                        .append(" | ").append(Report.fmt(med(v, k + "bytes")))
                        .append(" | ").append(mmm(all(v, k + "bytesPerProcess"), "%.1f"))
                        .append(" | ").append(Report.fmt(med(v, k + "queuedInImage")))
                        .append(" | ").append(Report.pct(Stats.median(share)))
                        .append(" | ").append(mmm(all(v, k + "restoreMs"), "%,.1f"))
                        .append(" | ").append(f1(med(v, k + "readMs"))).append(" / ").append(f1(med(v, k + "takeOverMs")))
                        .append(" / ").append(f1(med(v, k + "importMs")))
                        .append(" | ").append(Report.fmt(med(v, k + "snapshotGcMs"))).append(" / ")
                        .append(Report.fmt(med(v, k + "restoreGcMs")))
                        .append(" | ").append(Report.fmt2(med(v, k + "othersCpu")))
                        .append(" | ").append(snap.length).append(" | ").append(loads(v, k)).append(" |\n");
            }
        }
        md.append("\n");
        for (String v : jdks) {
            for (int n : SIZES) {
                for (String mode : new String[] {"handover", "snapshot"}) {
                    for (int j = 1; j <= jvms; j++) {
                        String c = r.get("jdk" + v + ".run" + j + "." + mode + "." + n + ".cutShort");
                        if (c != null) {
                            md.append("- ").append(mode).append(", ").append(Report.fmt(n)).append(", Java ").append(v)
                                    .append(", JVM ").append(j).append(": ").append(c).append(".\n");
                        }
                    }
                }
            }
        }
    }

    /** Every measured value of {@code key} (after the JVM's prefix) over the JVMs of Java {@code v}. */
    double[] all(String v, String key) {
        List<Double> out = new ArrayList<>();
        for (int j = 1; j <= jvms; j++) {
            for (double d : Stats.parse(r.get("jdk" + v + ".run" + j + key + ".all"))) {
                out.add(d);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    double med(String v, String key) {
        return Stats.median(all(v, key));
    }

    /** The median over the JVMs of a figure each JVM has once. */
    double medOne(String v, String key) {
        double[] x = new double[jvms];
        int n = 0;
        for (int j = 1; j <= jvms; j++) {
            String s = r.get("jdk" + v + ".run" + j + key);
            if (s != null) {
                x[n++] = Double.parseDouble(s);
            }
        }
        return Stats.median(Arrays.copyOf(x, n));
    }

    String loads(String v, String k) {
        List<String> l = new ArrayList<>();
        for (int j = 1; j <= jvms; j++) {
            String s = r.get("jdk" + v + ".run" + j + k + "load");
            if (s != null) {
                l.add(s.split(" ")[0]);
            }
        }
        return String.join(", ", l);
    }

    static double[] ratio(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i] / b[i];
        }
        return out;
    }

    static String mmm(double[] v, String format) {
        if (v.length == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, format, Stats.min(v)) + " / **" + String.format(Locale.ROOT, format, Stats.median(v))
                + "** / " + String.format(Locale.ROOT, format, Stats.max(v));
    }

    static String f1(double v) {
        return Report.fmt1(v);
    }
}
