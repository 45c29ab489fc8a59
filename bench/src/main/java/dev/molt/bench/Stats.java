package dev.molt.bench;

import java.util.Arrays;

/** Order statistics over a handful of figures (no interpolation surprises: stated here). */
final class Stats {

    private Stats() {
    }

    static double median(double[] values) {
        return quantile(values, 0.5);
    }

    /**
     * The {@code q}-quantile with linear interpolation between closest ranks (the usual
     * "type 7"): for five values, the quartiles are the 2nd and 4th. NaN for no values.
     */
    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return Double.NaN;
        }
        double h = (s.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** Parses {@code Arrays.toString} output back ({@code "[1.0, 2.0]"}); empty for null. */
    static double[] parse(String list) {
        if (list == null || list.length() < 3) {
            return new double[0];
        }
        return Arrays.stream(list.substring(1, list.length() - 1).split(",\\s*")).mapToDouble(Double::parseDouble).toArray();
    }
}
