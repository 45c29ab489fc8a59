package dev.molt.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jgroups.Address;

import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessStatus;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;

/**
 * Requests from one node to another that are not messages to a process: spawn there, list its
 * processes, upgrade a behaviour there, and the global-name operations the coordinator decides. A
 * request runs on a thread of its own at the receiver (spawn runs {@code init}, an upgrade waits for
 * its migration), and its answer is a reply frame like a call's.
 *
 * <p>Thread rule: any thread; a request to this node itself runs on the same kind of thread.
 */
final class Requests {

    private final ClusterNode node;

    Requests(ClusterNode node) {
        this.node = node;
    }

    /** Asks {@code m} to run {@code op}; the stage fails at once if {@code m} leaves. */
    CompletableFuture<Object> ask(Members.Member m, String op, Duration timeout, Object... args) {
        if (m.address().equals(node.self())) {
            return CompletableFuture.supplyAsync(() -> handle(op, java.util.Arrays.asList(args)), node.work());
        }
        long id = node.nextId();
        Wire.Writer w = node.wire().writer().value(ClusterNode.Frame.REQUEST).value(id).value(op).value(args.length);
        for (Object a : args) {
            w.value(a);
        }
        byte[] frame = w.bytes();
        CompletableFuture<Object> f = node.await(id, m, "node " + m.name(), timeout);
        if (!node.sendFrame(m.address(), frame)) {
            f.completeExceptionally(ClusterNode.noconnection("node " + m.name(), m.name()));
        }
        return f;
    }

    /** The answer, or the error as the API's exception (a call that could not answer included). */
    static Object get(CompletableFuture<Object> f) {
        try {
            return f.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new ProcessException("the request failed: " + c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while waiting for another node");
        }
    }

    void onRequest(Address from, Wire.Reader r) throws IOException {
        long id = r.number();
        String op = r.string();
        int n = (int) r.number();
        List<Object> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            args.add(r.value());
        }
        node.work().execute(() -> {
            Object v;
            try {
                v = handle(op, args);
            } catch (RuntimeException e) {
                node.reply(from, id, null, e);
                return;
            }
            node.reply(from, id, v, null);
        });
    }

    private Object handle(String op, List<Object> a) {
        switch (op) {
            case "spawn":
                return node.runtime().spawn((String) a.get(0), (String) a.get(1), a.get(2));
            case "ps":
                return encode(node.runtime().processes());
            case "upgrade":
                // keepOld is the fourth argument; a node of an earlier version sends three.
                return upgradeHere((String) a.get(0), (byte[]) a.get(1), UpgradeMode.valueOf((String) a.get(2)),
                        a.size() > 3 && Boolean.TRUE.equals(a.get(3)));
            case "name.register":
                node.namesCoordinator().coordinateRegister((String) a.get(0), (Pid) a.get(1));
                return Boolean.TRUE;
            case "name.unregister":
                return node.namesCoordinator().coordinateUnregister((String) a.get(0));
            default:
                throw new ProcessException("this node does not know the request '" + op + "' (another Molt version?)");
        }
    }

    private Members.Member member(String name) {
        Members.Member m = node.members().find(name, 0);
        if (m == null) {
            throw new NoSuchProcessException("no node '" + name + "' is in the cluster; proc:nodes lists its nodes");
        }
        return m;
    }

    Pid spawn(String nodeName, String behaviour, String name, Object argument) {
        return (Pid) get(ask(member(nodeName), "spawn", node.settings().requestTimeout(), behaviour, name, argument));
    }

    List<ProcessInfo> processes() {
        List<CompletableFuture<Object>> asked = new ArrayList<>();
        for (Members.Member m : node.members().all()) {
            asked.add(ask(m, "ps", node.settings().requestTimeout()));
        }
        List<ProcessInfo> out = new ArrayList<>();
        for (CompletableFuture<Object> f : asked) {
            try {
                out.addAll(decode((List<?>) get(f)));
            } catch (ProcessException e) {
                // a node that left meanwhile has nothing to list
            }
        }
        out.sort(Comparator.comparing(ProcessInfo::pid));
        return out;
    }

    // ---- upgrades ------------------------------------------------------------------------------

    /** One node's part of a cluster-wide upgrade: the jar as a file here, then the local upgrade. */
    private Map<String, Object> upgradeHere(String behaviour, byte[] jar, UpgradeMode mode, boolean keepOld) {
        Path file = null;
        try {
            file = Files.createTempFile("molt-cluster-upgrade", ".jar");
            Files.write(file, jar);
            UpgradeOptions options = mode == UpgradeMode.ROLLING ? UpgradeOptions.rolling() : UpgradeOptions.atomic();
            if (keepOld && mode == UpgradeMode.ROLLING) {
                options = options.keepingOld();
            }
            return encode(node.runtime().upgrade(behaviour, file.toUri().toString(), options));
        } catch (IOException e) {
            throw new ProcessException("could not write the jar to a temporary file on node " + node.localNode() + ": " + e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file); // the runtime keeps its own copy of every version it ran
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    static Map<String, Object> encode(UpgradeReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("behaviour", r.behaviour());
        m.put("from", r.fromVersion());
        m.put("to", r.toVersion());
        m.put("started", r.started().toEpochMilli());
        m.put("migrated", r.migrated());
        List<Object> held = new ArrayList<>();
        for (UpgradeReport.Held h : r.held()) {
            held.add(java.util.Arrays.asList(h.pid(), h.name(), h.reason()));
        }
        m.put("held", held);
        m.put("failed", r.failed());
        m.put("total", r.total().toNanos());
        m.put("pause", r.longestPause().toNanos());
        m.put("converted", r.messagesConverted());
        m.put("mode", r.mode().name());
        m.put("outcome", r.outcome().name());
        m.put("processes", r.processes());
        m.put("dropped", new LinkedHashMap<>(r.droppedFields()));
        m.put("defaulted", new LinkedHashMap<>(r.defaultedFields()));
        m.put("note", r.note());
        return m;
    }

    @SuppressWarnings("unchecked")
    static UpgradeReport decodeReport(Map<?, ?> m) {
        List<UpgradeReport.Held> held = new ArrayList<>();
        for (Object o : (List<?>) m.get("held")) {
            List<?> h = (List<?>) o;
            held.add(new UpgradeReport.Held((Pid) h.get(0), (String) h.get(1), (String) h.get(2)));
        }
        return new UpgradeReport((String) m.get("behaviour"), (String) m.get("from"), (String) m.get("to"),
                Instant.ofEpochMilli(((Number) m.get("started")).longValue()), ((Number) m.get("migrated")).intValue(), held,
                ((Number) m.get("failed")).intValue(), Duration.ofNanos(((Number) m.get("total")).longValue()),
                Duration.ofNanos(((Number) m.get("pause")).longValue()), ((Number) m.get("converted")).longValue(),
                UpgradeMode.valueOf((String) m.get("mode")), UpgradeReport.Outcome.valueOf((String) m.get("outcome")),
                ((Number) m.get("processes")).intValue(), (Map<String, Integer>) m.get("dropped"),
                (Map<String, Integer>) m.get("defaulted"), (String) m.get("note"));
    }

    // ---- listings --------------------------------------------------------------------------------

    static List<Object> encode(List<ProcessInfo> ps) {
        List<Object> out = new ArrayList<>(ps.size());
        for (ProcessInfo p : ps) {
            out.add(java.util.Arrays.asList(p.pid(), p.name(), p.behaviour(), p.version(), p.status().name(),
                    p.mailboxDepth(), p.handled(), p.upgrades(), p.heldReason()));
        }
        return out;
    }

    static List<ProcessInfo> decode(List<?> in) {
        List<ProcessInfo> out = new ArrayList<>(in.size());
        for (Object o : in) {
            List<?> p = (List<?>) o;
            out.add(new ProcessInfo((Pid) p.get(0), (String) p.get(1), (String) p.get(2), (String) p.get(3),
                    ProcessStatus.valueOf((String) p.get(4)), ((Number) p.get(5)).longValue(),
                    ((Number) p.get(6)).longValue(), ((Number) p.get(7)).intValue(), (String) p.get(8)));
        }
        return out;
    }
}
