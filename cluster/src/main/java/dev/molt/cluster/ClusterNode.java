package dev.molt.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;

import dev.molt.api.CallTimeoutException;
import dev.molt.api.ExitReason;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.cluster.Cluster;
import dev.molt.api.cluster.ClusterUpgradeReport;
import dev.molt.api.cluster.LocalNode;
import dev.molt.api.cluster.NodeInfo;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.api.cluster.Watch;

/**
 * One node of a Molt cluster: a JGroups channel, and what travels over it. It is the runtime's
 * {@link RemoteRouter} (remote send, call, monitor, link, exit) and the operators' {@link Cluster}
 * (nodes, global names, spawn on a node, listings, upgrades).
 *
 * <h2>Frames</h2>
 * Each JGroups message is one frame: a CBOR array (see {@link Wire}) whose first element is its
 * {@link Frame} type. Sends and calls between two nodes go unicast over UNICAST3, which delivers them
 * in the order they were sent; this node hands a frame's message to its runtime on the thread that
 * received it, so that order holds up to the mailbox. Requests that may take time (spawn, listings,
 * upgrades, name registration) run on a thread of their own.
 *
 * <h2>A node leaves the view</h2>
 * In {@link #viewAccepted}: every call and request waiting for it fails at once
 * ({@link ProcessExitedException} with a {@code noconnection} reason), every watch on its processes
 * (monitors, links, external watches) fires with {@code noconnection}, the watches it held on this
 * node's processes go, and its global names are dropped.
 *
 * <p>Thread rule: public methods may be called from any thread; JGroups calls {@link #receive} and
 * {@link #viewAccepted} on its own threads. Shared state is in concurrent maps; {@link #members} is a
 * volatile immutable snapshot (written by JGroups' view thread, read by everyone: each reader sees a
 * whole view).
 */
public final class ClusterNode implements RemoteRouter, Cluster, Receiver, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.molt.cluster");

    /** Frame types: the first element of every frame. */
    static final class Frame {
        static final int SEND = 1;
        static final int CALL = 2;
        static final int REPLY = 3;
        static final int WATCH = 4;
        static final int FIRED = 5;
        static final int UNWATCH = 6;
        static final int LINK = 7;
        static final int UNLINK = 8;
        static final int EXIT = 9;
        static final int REQUEST = 10;
        static final int NAMES = 11;

        private Frame() {
        }
    }

    /** A call or request waiting for its reply from {@code target}. */
    private record Pending(Address target, String what, CompletableFuture<Object> future) {
    }

    /** A watch this node set on a remote process. */
    private record OutWatch(Address target, Consumer<ExitReason> onExit, AtomicBoolean fired) {
        void fire(ExitReason reason) {
            if (fired.compareAndSet(false, true)) { // once, whether the node answered or left first
                onExit.accept(reason);
            }
        }
    }

    /** A watch another node holds on a process of this node. */
    private record InKey(Address from, long watchId) {
    }

    private final ClusterSettings settings;
    private final ProcessRuntime runtime;
    private final ExtendedUUID address;
    private final long incarnation;
    private final Wire wire;
    private final JChannel channel;
    private final GlobalNames names;
    private final Requests requests;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, OutWatch> outWatches = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InKey, Watch> inWatches = new ConcurrentHashMap<>();
    private final ExecutorService work;
    private final ScheduledExecutorService timers;
    /** The current view; volatile: see the class comment. */
    private volatile Members members = Members.none();
    /** The runtime's seam, once it attached this router; volatile: set by the framework's thread. */
    private volatile LocalNode local;
    /** Set once by {@link #close}; volatile so that JGroups' threads stop handing frames in at once. */
    private volatile boolean closed;

    private ClusterNode(ClusterSettings settings, ProcessRuntime runtime) throws Exception {
        this.settings = settings;
        this.runtime = runtime;
        this.address = ExtendedUUID.randomUUID(settings.node());
        address.put(Members.NODE_KEY, settings.node().getBytes(StandardCharsets.UTF_8));
        this.incarnation = Members.incarnationOf(address);
        this.wire = new Wire(settings.node(), incarnation);
        ClassLoader own = ClusterNode.class.getClassLoader();
        this.work = Executors.newCachedThreadPool(r -> daemon(r, "molt-cluster-request", own));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "molt-cluster-timer", own));
        this.names = new GlobalNames(this);
        this.requests = new Requests(this);
        this.channel = new JChannel(Stack.build(settings).toArray(new org.jgroups.stack.Protocol[0]));
        channel.name(settings.node());
        channel.addAddressGenerator(() -> address);
        channel.setDiscardOwnMessages(true);
        channel.setReceiver(this);
    }

    private static Thread daemon(Runnable r, String name, ClassLoader loader) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.setContextClassLoader(loader);
        return t;
    }

    /**
     * Builds the node and joins the cluster: returns once this node is in a view (of the others, or
     * of its own if none answered within the join attempts).
     *
     * @throws Exception if the channel cannot start (a port in use, a bad address)
     */
    public static ClusterNode join(ClusterSettings settings, ProcessRuntime runtime) throws Exception {
        // JGroups looks up classes and resources through the context loader first: make it this
        // bundle's, which holds JGroups, for the threads that build and connect the channel.
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(ClusterNode.class.getClassLoader());
        try {
            ClusterNode node = new ClusterNode(settings, runtime);
            node.channel.connect(settings.cluster());
            return node;
        } finally {
            t.setContextClassLoader(before);
        }
    }

    ClusterSettings settings() {
        return settings;
    }

    ProcessRuntime runtime() {
        return runtime;
    }

    LocalNode local() {
        return local;
    }

    Wire wire() {
        return wire;
    }

    Members members() {
        return members;
    }

    GlobalNames namesCoordinator() {
        return names;
    }

    Requests requests() {
        return requests;
    }

    ExecutorService work() {
        return work;
    }

    JChannel channel() {
        return channel;
    }

    long incarnation() {
        return incarnation;
    }

    Address self() {
        return address;
    }

    // ---- sending frames ------------------------------------------------------------------

    /**
     * Sends a frame; {@code to} null multicasts it to every other member.
     *
     * @return false if it could not be handed to JGroups (the channel is closed, or the member gone)
     */
    boolean sendFrame(Address to, byte[] frame) {
        try {
            channel.send(new BytesMessage(to, frame));
            return true;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "a frame for " + (to == null ? "everyone" : to) + " was not sent: " + e);
            return false;
        }
    }

    /** A user's message encoded, or a one-line error at the sender if it is not neutral or too large. */
    private byte[] checked(Wire.Writer w, String what) {
        byte[] b = w.bytes();
        if (b.length > settings.maxMessageBytes()) {
            throw new ProcessException(what + " is " + b.length + " bytes encoded, over the cluster's limit of "
                    + settings.maxMessageBytes() + " (maxMessageBytes); send less, or raise the limit on every node");
        }
        return b;
    }

    private Members.Member memberOf(Pid pid) {
        return members.find(pid.node(), pid.incarnation());
    }

    // ---- RemoteRouter ----------------------------------------------------------------------

    @Override
    public void attach(LocalNode localNode) {
        this.local = localNode;
    }

    @Override
    public void detach(LocalNode localNode) {
        if (this.local == localNode) {
            this.local = null;
        }
    }

    @Override
    public Pid complete(Pid pid) {
        if (pid.isLocal() || pid.incarnation() != 0) {
            return pid;
        }
        if (pid.node().equals(settings.node())) {
            return new Pid(pid.id());
        }
        Members.Member m = members.find(pid.node(), 0);
        if (m == null) {
            throw new NoSuchProcessException("no node '" + pid.node() + "' is in the cluster; proc:nodes lists its nodes");
        }
        return new Pid(pid.id(), m.name(), m.incarnation());
    }

    @Override
    public void send(Pid to, Object message) {
        byte[] frame = checked(wire.writer().value(Frame.SEND).value(to.id()).value(message), "the message");
        Members.Member m = memberOf(to);
        if (m != null) {
            sendFrame(m.address(), frame);
        } // else: its node is gone, and a message to a process that is gone is dropped, as in Erlang
    }

    @Override
    public CompletionStage<Object> call(Pid to, Object message, Duration timeout) {
        long id = ids.incrementAndGet();
        byte[] frame = checked(wire.writer().value(Frame.CALL).value(id).value(to.id()).value(timeout.toMillis())
                .value(message), "the call's message");
        Members.Member m = memberOf(to);
        if (m == null) {
            return CompletableFuture.failedFuture(noconnection("process " + to.text(), to.node()));
        }
        CompletableFuture<Object> f = await(id, m, "process " + to.text(), timeout);
        if (!sendFrame(m.address(), frame)) {
            fail(id, noconnection("process " + to.text(), to.node()));
        }
        return f;
    }

    /** Registers a pending reply and its timeout; the future is what the caller gets. */
    CompletableFuture<Object> await(long id, Members.Member target, String what, Duration timeout) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        pending.put(id, new Pending(target.address(), what, f));
        var t = timers.schedule(() -> fail(id, new CallTimeoutException("no reply from " + what + " within "
                + timeout.toMillis() + " ms; the process may be busy")), timeout.toNanos(), TimeUnit.NANOSECONDS);
        f.whenComplete((v, e) -> {
            t.cancel(false);
            pending.remove(id);
        });
        if (!members.contains(target.address())) { // it left between the look-up and now
            fail(id, noconnection(what, target.name()));
        }
        return f;
    }

    private void fail(long id, Throwable e) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.future().completeExceptionally(e);
        }
    }

    static ProcessExitedException noconnection(String what, String node) {
        ExitReason r = ExitReason.noconnection(node);
        return new ProcessExitedException(what + " cannot answer: " + r.detail() + " (noconnection)", r);
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    @Override
    public Watch watch(Pid remote, Consumer<ExitReason> onExit) {
        Members.Member m = memberOf(remote);
        if (m == null) {
            onExit.accept(ExitReason.noconnection(remote.node()));
            return Watch.NONE;
        }
        long id = ids.incrementAndGet();
        OutWatch w = new OutWatch(m.address(), onExit, new AtomicBoolean());
        outWatches.put(id, w);
        if (!members.contains(m.address()) || !sendFrame(m.address(), wire.writer().value(Frame.WATCH).value(id)
                .value(remote.id()).bytes())) {
            outWatches.remove(id);
            w.fire(ExitReason.noconnection(remote.node()));
            return Watch.NONE;
        }
        return () -> {
            if (outWatches.remove(id) != null) {
                sendFrame(m.address(), wire.writer().value(Frame.UNWATCH).value(id).bytes());
            }
        };
    }

    @Override
    public void link(Pid localPid, Pid remote) {
        Members.Member m = memberOf(remote);
        if (m != null) { // else the local half's watch has reported noconnection already
            sendFrame(m.address(), wire.writer().value(Frame.LINK).value(remote.id()).value(localPid).bytes());
        }
    }

    @Override
    public void unlink(Pid localPid, Pid remote) {
        Members.Member m = memberOf(remote);
        if (m != null) {
            sendFrame(m.address(), wire.writer().value(Frame.UNLINK).value(remote.id()).value(localPid).bytes());
        }
    }

    @Override
    public void exit(Pid remote, ExitReason reason, boolean kill) {
        Members.Member m = memberOf(remote);
        if (m != null) {
            sendFrame(m.address(), wire.writer().value(Frame.EXIT).value(remote.id()).value(kill).value(reason).bytes());
        }
    }

    @Override
    public Optional<Pid> whereisGlobal(String name) {
        return names.whereis(name);
    }

    // ---- Cluster ---------------------------------------------------------------------------

    @Override
    public String localNode() {
        return settings.node();
    }

    @Override
    public List<NodeInfo> nodes() {
        return members.infos();
    }

    @Override
    public void registerGlobal(String name, Pid pid) {
        names.register(name, pid);
    }

    @Override
    public boolean unregisterGlobal(String name) {
        return names.unregister(name);
    }

    @Override
    public Pid spawn(String node, String behaviour, String name, Object argument) {
        return requests.spawn(node, behaviour, name, argument);
    }

    @Override
    public List<ProcessInfo> processes() {
        return requests.processes();
    }

    @Override
    public ClusterUpgradeReport upgrade(String behaviour, String location, UpgradeOptions options) {
        return new ClusterUpgrade(this, requests).run(behaviour, location, options);
    }

    /** Fault injection for tests and drills (see {@link Faults}). */
    public Faults faults() {
        return new Faults(this);
    }

    // ---- receiving -------------------------------------------------------------------------

    @Override
    public void receive(Message msg) {
        if (closed) {
            return;
        }
        Address from = msg.getSrc();
        if (msg.getLength() > Math.max(settings.maxMessageBytes(), settings.maxJarBytes()) + 4096) {
            LOG.log(System.Logger.Level.WARNING, "dropped a frame of " + msg.getLength() + " bytes from " + from
                    + ", over the limits of this node (maxMessageBytes, maxJarBytes)");
            return;
        }
        try {
            Wire.Reader r = wire.reader(msg.getArray(), msg.getOffset(), msg.getLength());
            int type = (int) r.number();
            switch (type) {
                case Frame.SEND -> onSend(r);
                case Frame.CALL -> onCall(from, r);
                case Frame.REPLY -> onReply(r);
                case Frame.WATCH -> onWatch(from, r);
                case Frame.FIRED -> onFired(r);
                case Frame.UNWATCH -> onUnwatch(from, r);
                case Frame.LINK -> onLink(r, true);
                case Frame.UNLINK -> onLink(r, false);
                case Frame.EXIT -> onExit(r);
                case Frame.REQUEST -> requests.onRequest(from, r);
                case Frame.NAMES -> names.onFrame(from, r);
                default -> LOG.log(System.Logger.Level.WARNING, "dropped a frame of unknown type " + type + " from " + from
                        + " (a node of another Molt version?)");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dropped a frame from " + from + " that could not be read: " + e);
        }
    }

    private void onSend(Wire.Reader r) throws IOException {
        Pid to = new Pid(r.number());
        Object message = r.value();
        try {
            runtime.send(to, message);
        } catch (ProcessException e) {
            // never a process here: dropped, as a send to a process that is gone
        }
    }

    private void onCall(Address from, Wire.Reader r) throws IOException {
        long id = r.number();
        Pid to = new Pid(r.number());
        long timeoutMs = r.number();
        Object message = r.value();
        runtime.callAsync(to, message, Duration.ofMillis(timeoutMs)).whenComplete((v, e) -> reply(from, id, v, e));
    }

    /** Answers a call or request: the value, or the error as the caller's side will rebuild it. */
    void reply(Address to, long id, Object value, Throwable error) {
        byte[] frame;
        if (error == null) {
            try {
                frame = checked(wire.writer().value(Frame.REPLY).value(id).value(true).value(value), "the reply");
            } catch (ProcessException e) {
                error = e;
                frame = null;
            }
            if (frame != null) {
                sendFrame(to, frame);
                return;
            }
        }
        List<Object> d = Errors.describe(error);
        sendFrame(to, wire.writer().value(Frame.REPLY).value(id).value(false).value(d.get(0)).value(d.get(1))
                .value(d.get(2)).bytes());
    }

    private void onReply(Wire.Reader r) throws IOException {
        long id = r.number();
        boolean ok = (Boolean) r.value();
        Pending p = pending.remove(id);
        if (p == null) {
            return; // timed out, or its node was given up: a late reply is dropped
        }
        if (ok) {
            p.future().complete(r.value());
        } else {
            String kind = r.string();
            String message = r.string();
            ExitReason reason = (ExitReason) r.value();
            p.future().completeExceptionally(Errors.rebuild(kind, message, reason));
        }
    }

    private void onWatch(Address from, Wire.Reader r) throws IOException {
        long watchId = r.number();
        Pid target = new Pid(r.number());
        LocalNode l = local;
        InKey key = new InKey(from, watchId);
        Consumer<ExitReason> tell = reason -> {
            inWatches.remove(key);
            sendFrame(from, wire.writer().value(Frame.FIRED).value(watchId).value(reason).bytes());
        };
        if (l == null) {
            tell.accept(ExitReason.NOPROC);
            return;
        }
        Watch placeholder = Watch.NONE::cancel;
        inWatches.put(key, placeholder);
        Watch w = l.watch(target, tell);
        inWatches.replace(key, placeholder, w); // unless it fired already (and removed the key)
    }

    private void onFired(Wire.Reader r) throws IOException {
        long watchId = r.number();
        ExitReason reason = (ExitReason) r.value();
        OutWatch w = outWatches.remove(watchId);
        if (w != null) {
            w.fire(reason);
        }
    }

    private void onUnwatch(Address from, Wire.Reader r) throws IOException {
        Watch w = inWatches.remove(new InKey(from, r.number()));
        if (w != null) {
            w.cancel();
        }
    }

    private void onLink(Wire.Reader r, boolean link) throws IOException {
        Pid target = new Pid(r.number());
        Pid from = (Pid) r.value();
        LocalNode l = local;
        if (l == null) {
            return; // the linker's watch of target reports noproc
        }
        if (link) {
            l.linkFromRemote(target, from);
        } else {
            l.unlinkFromRemote(target, from);
        }
    }

    private void onExit(Wire.Reader r) throws IOException {
        Pid target = new Pid(r.number());
        boolean kill = (Boolean) r.value();
        ExitReason reason = (ExitReason) r.value();
        if (kill) {
            runtime.kill(target, reason.detail());
        } else {
            runtime.stop(target);
        }
    }

    // ---- views -------------------------------------------------------------------------------

    @Override
    public void viewAccepted(View view) {
        Members before = members;
        Members now = new Members(view, address);
        members = now;
        List<Members.Member> left = now.leftSince(before);
        LOG.log(System.Logger.Level.INFO, "cluster view " + view.getViewId() + ": " + now
                + (view instanceof MergeView ? " (merged after a partition)" : "")
                + (left.isEmpty() ? "" : "; left: " + left.stream().map(Members.Member::name).toList()));
        for (Members.Member m : left) {
            nodeLeft(m);
        }
        if (view instanceof MergeView || now.grewSince(before)) {
            names.announce(); // newcomers and the other side of a partition learn the names this node owns
        }
    }

    private void nodeLeft(Members.Member m) {
        ExitReason reason = ExitReason.noconnection(m.name());
        for (var e : pending.entrySet()) {
            Pending p = e.getValue();
            if (p.target().equals(m.address()) && pending.remove(e.getKey(), p)) {
                p.future().completeExceptionally(noconnection(p.what(), m.name()));
            }
        }
        for (var e : outWatches.entrySet()) {
            OutWatch w = e.getValue();
            if (w.target().equals(m.address()) && outWatches.remove(e.getKey(), w)) {
                w.fire(reason);
            }
        }
        for (var e : inWatches.entrySet()) {
            if (e.getKey().from().equals(m.address()) && inWatches.remove(e.getKey(), e.getValue())) {
                e.getValue().cancel();
            }
        }
        names.nodeLeft(m);
    }

    /** Every node is gone for this one: what waits on them is told, as if each left. */
    @Override
    public void close() {
        closed = true;
        Members last = members;
        members = Members.none();
        for (Members.Member m : last.all()) {
            if (!m.address().equals(address)) {
                nodeLeft(m);
            }
        }
        channel.close();
        work.shutdownNow();
        timers.shutdownNow();
    }

    List<Members.Member> others() {
        List<Members.Member> out = new ArrayList<>();
        for (Members.Member m : members.all()) {
            if (!m.address().equals(address)) {
                out.add(m);
            }
        }
        return out;
    }
}
