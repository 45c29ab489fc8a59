package dev.molt.webconsole;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.molt.api.ProcessInfo;

/**
 * One page of the processes table: filters (behaviour, version and status exactly, name as a
 * case-insensitive part), a sort column and direction, and a page. Made on the server, so that the
 * browser gets 50 rows whether the runtime has 50 processes or 100,000.
 *
 * @param behaviour empty for all
 * @param version   empty for all
 * @param status    empty for all (RUNNING, SUSPENDED, HELD)
 * @param name      a part of the name, or of the pid; empty for all
 * @param sort      pid, name, behaviour, version, status, mailbox or handled
 * @param descending the sort's direction
 * @param page      from 0
 * @param size      rows per page, 1 to 500
 */
record ProcessQuery(String behaviour, String version, String status, String name, String sort, boolean descending,
                    int page, int size) {

    static final int MAX_SIZE = 500;

    /** One page of rows, and how many rows the filters kept. */
    record Page(List<ProcessInfo> rows, int total, int page, int size) {
        int pages() {
            return Math.max(1, (total + size - 1) / size);
        }
    }

    /** From request parameters ({@code get} returns null for an absent one); bad numbers and columns fall back. */
    static ProcessQuery of(Function<String, String> get) {
        return new ProcessQuery(text(get.apply("behaviour")), text(get.apply("version")),
                text(get.apply("status")).toUpperCase(Locale.ROOT), text(get.apply("name")), column(get.apply("sort")),
                "desc".equalsIgnoreCase(text(get.apply("dir"))), number(get.apply("page"), 0, 0, Integer.MAX_VALUE),
                number(get.apply("size"), 50, 1, MAX_SIZE));
    }

    private static String text(String s) {
        return s == null ? "" : s.strip();
    }

    private static String column(String s) {
        String c = text(s).toLowerCase(Locale.ROOT);
        return switch (c) {
            case "name", "behaviour", "version", "status", "mailbox", "handled" -> c;
            default -> "pid";
        };
    }

    private static int number(String s, int fallback, int min, int max) {
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(text(s))));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    boolean matches(ProcessInfo p) {
        if (!behaviour.isEmpty() && !behaviour.equals(p.behaviour())) {
            return false;
        }
        if (!version.isEmpty() && !version.equals(p.version())) {
            return false;
        }
        if (!status.isEmpty() && !status.equals(p.status().name())) {
            return false;
        }
        if (!name.isEmpty()) {
            String n = name.toLowerCase(Locale.ROOT);
            boolean inName = p.name() != null && p.name().toLowerCase(Locale.ROOT).contains(n);
            return inName || Long.toString(p.pid().id()).equals(n);
        }
        return true;
    }

    Comparator<ProcessInfo> order() {
        Comparator<ProcessInfo> byPid = Comparator.comparing(ProcessInfo::pid);
        Comparator<ProcessInfo> c = switch (sort) {
            case "name" -> Comparator.comparing((ProcessInfo p) -> p.name() == null ? "" : p.name());
            case "behaviour" -> Comparator.comparing(ProcessInfo::behaviour);
            case "version" -> Comparator.comparing(ProcessInfo::version);
            case "status" -> Comparator.comparing(ProcessInfo::status);
            case "mailbox" -> Comparator.comparingLong(ProcessInfo::mailboxDepth);
            case "handled" -> Comparator.comparingLong(ProcessInfo::handled);
            default -> byPid;
        };
        c = descending ? c.reversed() : c;
        return c == byPid ? c : c.thenComparing(byPid);
    }

    /** Filters, sorts and cuts {@code all} (the runtime's listing, in pid order). */
    Page apply(List<ProcessInfo> all) {
        List<ProcessInfo> kept = new ArrayList<>();
        for (ProcessInfo p : all) {
            if (matches(p)) {
                kept.add(p);
            }
        }
        if (!sort.equals("pid") || descending) {
            kept.sort(order());
        }
        int pages = Math.max(1, (kept.size() + size - 1) / size);
        int at = Math.min(page, pages - 1);
        int from = at * size;
        return new Page(List.copyOf(kept.subList(Math.min(from, kept.size()), Math.min(from + size, kept.size()))),
                kept.size(), at, size);
    }
}
