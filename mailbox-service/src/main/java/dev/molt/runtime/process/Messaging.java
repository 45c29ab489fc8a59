package dev.molt.runtime.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.molt.api.CallTimeoutException;
import dev.molt.api.ExitReason;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.TimerRef;
import dev.molt.runtime.dispatch.Dispatcher;

/**
 * Sends, calls, timers, watches and exit signals: how anyone reaches a process.
 *
 * <h2>A call from a handler</h2>
 * A handler that calls another process holds its worker while it waits, so the runtime makes sure
 * that this never stalls the rest:
 * <ul>
 * <li>If nobody runs the callee (it is idle), the caller's thread runs the callee's turn itself,
 * nested in its own, up to {@link #MAX_INLINE} deep: the callee handles its queue in order, our call
 * among it, and the caller goes on with the reply. No thread is woken and nothing waits, which makes
 * a call between idle processes about as cheap as a send, and a chain of calls cannot run out of
 * threads.</li>
 * <li>If another thread runs the callee, the caller waits in a blocking scope: its worker's permit
 * goes to another thread first (see {@link Dispatcher}), so the rest keep running.</li>
 * <li>A call to a process that this very thread is running further out (itself, or a cycle of calls
 * through inline turns) could only end in a timeout: it fails at once instead.</li>
 * </ul>
 *
 * <p>Thread rule: any thread.
 */
public final class Messaging {

    /** How deep inline turns nest on one thread before a call waits in a blocking scope instead. */
    static final int MAX_INLINE = 64;

    private final Kernel kernel;

    public Messaging(Kernel kernel) {
        this.kernel = kernel;
    }

    private static void checkMessage(Object message) {
        if (message == null) {
            throw new ProcessException("a message cannot be null; send a value");
        }
    }

    public void send(Pid to, Object message) {
        checkMessage(message);
        Proc p = kernel.table().get(to);
        if (p == null) {
            notHere(to, message);
            return;
        }
        if (kernel.timesThisSend()) {
            p.enqueueTimed(message); // one in latencySampling: its wait in the mailbox is measured
        } else {
            p.enqueue(message);
        }
    }

    /** A send whose pid is not a live local process: another node's, a dead one's, or none. Kept out of send, which stays small. */
    private void notHere(Pid to, Object message) {
        if (!to.isLocal()) {
            Remote.send(kernel, to, message);
        } else if (!kernel.table().everExisted(to)) {
            throw new NoSuchProcessException("process " + to.id() + " never existed; list live processes with proc:ps");
        } // else a dead process: dropped, as in Erlang
    }

    public Object call(Pid to, Object message, Duration timeout) {
        if (!to.isLocal()) {
            checkMessage(message);
            return Remote.call(kernel, to, message, timeout);
        }
        Call c = startCall(to, message);
        try {
            try {
                return await(c, kernel.table().get(to), timeout);
            } catch (TimeoutException e) {
                // From now on a late reply finds the future done and is dropped; a reply that
                // came just before this line wins instead, and is returned.
                c.completeExceptionally(timedOut(to, Texts.describe(message), timeout));
                return c.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ProcessException("call to process " + to.id() + " failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.completeExceptionally(new ProcessException("caller interrupted"));
            throw new ProcessException("interrupted while calling process " + to.id());
        }
    }

    /**
     * Waits for the reply. Off the workers, a plain wait. On a worker, in a blocking scope, looking
     * now and then (1 ms, doubling to 16 ms) whether the callee waits in the queue: if so this thread
     * runs it, so that callers whose threads all block never wait for a callee no thread is left to run.
     */
    private Object await(Call c, Proc callee, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (c.isDone()) {
            return c.get();
        }
        Dispatcher d = kernel.dispatcher();
        if (!d.onWorker() || callee == null) {
            return c.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long slice = TimeUnit.MILLISECONDS.toNanos(1);
        try (Dispatcher.Blocking scope = d.blocking()) {
            for (;;) {
                long left = deadline - System.nanoTime();
                try {
                    return c.get(Math.min(slice, Math.max(left, 1)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException notYet) {
                    if (deadline - System.nanoTime() <= 0) {
                        throw notYet;
                    }
                }
                if (d.inlineDepth() < MAX_INLINE && callee.tryHelp()) {
                    d.runInline(callee, callee::turn);
                }
                slice = Math.min(slice * 2, TimeUnit.MILLISECONDS.toNanos(16));
            }
        }
    }

    private static CallTimeoutException timedOut(Pid to, String message, Duration timeout) {
        return new CallTimeoutException("no reply from process " + to.id() + " to " + message + " within "
                + timeout.toMillis() + " ms; the process may be busy or suspended (see proc:info)");
    }

    public CompletionStage<Object> callAsync(Pid to, Object message, Duration timeout) {
        if (!to.isLocal()) {
            if (message == null) {
                return CompletableFuture.failedFuture(new ProcessException("a message cannot be null; send a value"));
            }
            return Remote.callAsync(kernel, to, message, timeout);
        }
        Call c;
        try {
            c = startCall(to, message);
        } catch (ProcessException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = Texts.describe(message); // not the message: the timer must not keep it (or its classes)
        ScheduledFuture<?> t = kernel.timers().schedule(() -> Kernel.withOwnContextLoader(
                () -> c.completeExceptionally(timedOut(to, what, timeout))), timeout.toNanos(), TimeUnit.NANOSECONDS);
        c.whenComplete((v, e) -> t.cancel(false));
        return c.minimalCompletionStage();
    }

    private Call startCall(Pid to, Object message) {
        checkMessage(message);
        Proc p = kernel.table().existing(to);
        Call c = new Call(message);
        Dispatcher d = kernel.dispatcher();
        int depth = d.inlineDepth();
        if (depth < 0) {
            p.enqueue(c);
        } else {
            if (d.runningHere(p)) {
                throw new ProcessException("process " + to.id() + " is already handling a message on this thread (it"
                        + " called itself, or a call led back to it); the call could only time out. Use send, or"
                        + " replyLater, to break the cycle");
            }
            p.offer(c);
            if (depth < MAX_INLINE && (p.tryAcquire() || p.tryHelp())) {
                d.runInline(p, p::turn); // idle, or waiting in the queue: run it here and now
            } else {
                p.trySchedule(false);
            }
        }
        if (p.isExited() && !c.taken) {
            // It ended after we looked it up, and its handler never took this call. Its final
            // drain may have answered it already (then this is ignored: the first answer wins), or
            // have missed it, queued too late: then nobody else will. A call the handler took is
            // answered by the handler or its crash, with the better reason.
            c.completeExceptionally(ProcessTable.notAlive(to));
        }
        return c;
    }

    public TimerRef sendAfter(Pid to, Object message, Duration delay) {
        checkMessage(message);
        return kernel.pendingTimers().schedule(to, message, delay.toNanos());
    }

    public CompletionStage<ExitReason> watch(Pid pid) {
        if (!pid.isLocal()) {
            return Remote.watch(kernel, pid);
        }
        CompletableFuture<ExitReason> f = new CompletableFuture<>();
        Proc p = kernel.table().get(pid);
        if (p == null || !Watchers.add(p, f)) {
            if (p != null && p.isHanded()) {
                kernel.successor().watch(pid, f);
                return f.minimalCompletionStage();
            }
            ExitReason r = p == null ? null : p.exitReason();
            f.complete(r != null ? r : ExitReason.NOPROC);
        }
        return f.minimalCompletionStage();
    }

    /** Asks {@code pid} to stop after its current message (terminate runs); false if it was not alive. */
    public boolean stop(Pid pid, ExitReason reason) {
        if (!pid.isLocal()) {
            return Remote.exit(kernel, pid, reason, false);
        }
        return signal(pid, new SystemMessage.Stop(reason));
    }

    /** Ends {@code pid} before its next message (terminate does not run); false if it was not alive. */
    public boolean kill(Pid pid, ExitReason reason) {
        if (!pid.isLocal()) {
            return Remote.exit(kernel, pid, reason, true);
        }
        return signal(pid, new SystemMessage.Kill(reason));
    }

    private boolean signal(Pid pid, SystemMessage exit) {
        Proc p = kernel.table().get(pid);
        if (p == null || p.isExited()) {
            return false;
        }
        p.enqueueSystem(exit);
        return true;
    }

    public CompletionStage<Object> state(Pid pid) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Proc p = kernel.table().get(pid);
        if (p == null) {
            f.completeExceptionally(ProcessTable.notAlive(pid));
        } else {
            p.enqueueSystem(new SystemMessage.GetState(f));
        }
        return f.minimalCompletionStage();
    }
}
