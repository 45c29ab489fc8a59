package dev.molt.runtime.process;

import java.util.concurrent.CompletableFuture;

import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;

/**
 * Where a handed-over process's traffic goes: the newer runtime revision that took this one's table
 * (see the handover package). Whatever reaches a process of this runtime after it exported itself is
 * passed here, in the order it was queued, by the thread that queued it.
 *
 * <p>Thread rule: any thread; an implementation keeps the order of the calls it gets.
 */
public interface Successor {

    /** There is none: this runtime was never handed over (nothing is ever {@code HANDED}). */
    Successor NONE = new Successor() {
        @Override
        public void send(Pid to, Object message) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void call(Pid to, Object message, CompletableFuture<Object> reply) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void signal(Pid to, SystemMessage s) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void monitor(Pid target, MonitorRef ref, Pid watcher) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void link(Pid target, Pid other) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void demonitor(Pid target, MonitorRef ref) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void unlink(Pid target, Pid other) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void watch(Pid target, CompletableFuture<ExitReason> watch) {
            throw new IllegalStateException("no successor runtime");
        }

        @Override
        public void timer(Pid to, Object message, long leftNanos, CompletableFuture<Object> ref) {
            throw new IllegalStateException("no successor runtime");
        }
    };

    void send(Pid to, Object message);

    /** A call queued for {@code to}: the successor answers {@code reply} (the caller's own future). */
    void call(Pid to, Object message, CompletableFuture<Object> reply);

    /** A stop, kill, linked exit or state query for {@code to}; an upgrade step is settled as not run. */
    void signal(Pid to, SystemMessage s);

    /** {@code watcher} monitors {@code target} with {@code ref}. */
    void monitor(Pid target, MonitorRef ref, Pid watcher);

    /** {@code target}'s half of a link with {@code other}. */
    void link(Pid target, Pid other);

    /** The monitor {@code ref} of {@code target} is taken off. */
    void demonitor(Pid target, MonitorRef ref);

    /** {@code target}'s half of a link with {@code other} is taken off. */
    void unlink(Pid target, Pid other);

    /** An outside watch of {@code target}'s exit. */
    void watch(Pid target, CompletableFuture<ExitReason> watch);

    /** A timed message still to fire in {@code leftNanos}; {@code ref} carries its ref's cancel (see {@code PendingTimers}). */
    void timer(Pid to, Object message, long leftNanos, CompletableFuture<Object> ref);
}
