package dev.molt.runtime.process;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.SpawnException;
import dev.molt.api.UnknownBehaviourException;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.CodeRegistry;

/**
 * Starts processes: binds a new process to the version its behaviour serves and runs {@code init}
 * on the caller's thread.
 *
 * <p>Thread rule: any thread. A spawn racing the withdrawal of the version it chose either joins
 * that version's set before the withdrawal closes it (and then moves with the others) or is
 * refused by the closed set and binds to the next serving version: it is never left on code that
 * went away.
 */
public final class Spawner {

    private final Kernel kernel;

    public Spawner(Kernel kernel) {
        this.kernel = kernel;
    }

    /**
     * @throws UnknownBehaviourException if the behaviour has no version registered now
     * @throws dev.molt.api.InvalidNameException if the name breaks the naming rule
     * @throws dev.molt.api.DuplicateNameException if a live process holds the name
     * @throws SpawnException if {@code init} failed; no process remains
     */
    public Pid spawn(BehaviourLine line, String name, Object argument) {
        return spawn(line, name, argument, null);
    }

    /**
     * As {@link #spawn(BehaviourLine, String, Object)}, linked to {@code linkTo} (if not null) before
     * {@code init} runs; a failed {@code init} unlinks first, so {@code linkTo} learns of the failure
     * from the exception alone.
     *
     * @throws dev.molt.api.NoSuchProcessException if {@code linkTo} is not alive; nothing is spawned
     */
    public Pid spawn(BehaviourLine line, String name, Object argument, Pid linkTo) {
        Proc parent = linkTo == null ? null : kernel.table().existing(linkTo);
        if (name != null) {
            CodeRegistry.checkProcessName(name);
        }
        ProcessTable table = kernel.table();
        for (;;) {
            BehaviourVersion v = line.serving();
            if (v == null || v.code() == null) {
                throw new UnknownBehaviourException("behaviour '" + line.name() + "' has no version registered right now"
                        + " (its bundle is stopped or being updated); start it and try again");
            }
            Proc p = new Proc(table.nextPid(), name, line);
            if (name != null) {
                table.claimName(name, p);
            }
            p.tryAcquire(); // owned by this thread until init returns: sends queue, nothing runs
            if (!p.bind(v)) {
                // v is being withdrawn right now: bind to whatever serves next.
                table.remove(p);
                continue;
            }
            table.add(p);
            if (parent != null && !linkBeforeInit(p, parent)) {
                throw ProcessTable.notAlive(linkTo);
            }
            init(p, v, argument, parent);
            return p.pid();
        }
    }

    /**
     * Links the new process {@code p} (owned by this thread, so nothing of it runs yet) with
     * {@code parent}. A parent that ended meanwhile refuses the link: the new process ends unseen.
     */
    private static boolean linkBeforeInit(Proc p, Proc parent) {
        if (!Watchers.add(parent, p)) {
            if (parent.isHanded()) {
                p.kernel().successor().link(parent.pid(), p.pid()); // the parent went to a newer runtime: its half goes there
                Watchers.add(p, parent);
                return true;
            }
            p.exit(ExitReason.killed("the process to link it to ended before it started"), Proc.Ending.KILL);
            p.release();
            return false;
        }
        Watchers.add(p, parent);
        return true;
    }

    private static void init(Proc p, BehaviourVersion v, Object argument, Proc parent) {
        try {
            Object s = v.code().init(p, argument);
            if (s == null) {
                throw new IllegalStateException("init returned null");
            }
            p.state(s);
        } catch (Throwable t) {
            if (parent != null) {
                Watchers.unlink(p, parent.pid()); // the spawner hears of it from the exception, not from the link too
            }
            p.exit(ExitReason.error("init threw", t), Proc.Ending.KILL);
            p.release(); // system messages sent meanwhile (a state query, say) get their answer
            throw new SpawnException("init of " + p.line().name() + " " + v.version() + " failed: " + Texts.oneLine(t));
        }
        p.release();
    }

    /** For callers that must fail with the runtime's own words when it is shut down. */
    public static ProcessException shutDown() {
        return new ProcessException("the runtime is shut down");
    }
}
