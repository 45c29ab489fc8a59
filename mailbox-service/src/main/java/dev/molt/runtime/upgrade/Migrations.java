package dev.molt.runtime.upgrade;

import java.util.ArrayDeque;
import java.util.function.Predicate;

import dev.molt.api.Behaviour;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.neutral.MigrationNotes;
import dev.molt.runtime.neutral.Neutral;
import dev.molt.runtime.process.Call;
import dev.molt.runtime.process.ExportedMessage;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.process.SystemMessage;
import dev.molt.runtime.process.Texts;

/**
 * What a process does at its message boundary for an upgrade: export its state and queued messages
 * with the code it leaves, and import them with the code it goes to (gen_server's
 * {@code code_change}, run only while the process is between two messages).
 *
 * <p>Thread rule: every step runs on the process's own turn (a {@link SystemMessage.Migrate}), so
 * the process is owned and never runs two versions at once; each step reports to the move's record.
 */
final class Migrations {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    private Migrations() {
    }

    /** Leave {@code move.from} at the next boundary, and go on to the target if there is one. */
    static SystemMessage.Migrate exportTask(Move move) {
        return new SystemMessage.Migrate(new SystemMessage.MigrationTask() {
            @Override
            public void runOn(Proc p) {
                if (p.boundVersion() != move.from) {
                    if (p.migration() == move) {
                        p.migration(null); // shown held when this move went overdue; it no longer is
                    }
                    move.record.skipped(move); // moved meanwhile by another upgrade (or never was on it)
                    return;
                }
                export(p, move);
                if (move.stateLost) {
                    return; // held: nothing to import
                }
                BehaviourVersion target = move.to != null && !move.to.isWithdrawn() ? move.to : p.line().serving();
                if (target != null) {
                    importInto(p, move, target);
                }
                // else: no version to run; the process waits, mailbox queueing, until one registers
            }

            @Override
            public void notRun(Proc p) {
                move.record.ended(move);
            }
        });
    }

    /** A process waiting for code: import into {@code to}, counted by {@code record}; {@code done} runs after. */
    static SystemMessage.Migrate importTask(BehaviourVersion to, UpgradeRecord record, Runnable done) {
        return new SystemMessage.Migrate(new SystemMessage.MigrationTask() {
            @Override
            public void runOn(Proc p) {
                try {
                    if (p.boundVersion() != null || !(p.migration() instanceof Move m) || m.stateLost) {
                        return; // moved already, or held for good (its export failed)
                    }
                    Move move = m.record == record ? m : m.retryIn(record, to);
                    p.migration(move);
                    importInto(p, move, to);
                } finally {
                    done.run();
                }
            }

            @Override
            public void notRun(Proc p) {
                done.run();
            }
        });
    }

    private static Predicate<Class<?>> exportable(Proc p) {
        return Neutral.exportable(p.pid().getClass().getClassLoader());
    }

    /** Owner: suspends, exports the state and converts the queued messages that need it. */
    private static void export(Proc p, Move move) {
        BehaviourVersion from = move.from;
        Behaviour<Object> code = from.code();
        Predicate<Class<?>> exportable = exportable(p);
        move.exportedAt = System.nanoTime();
        move.exportedFrom = from.version();
        p.migration(move);
        try {
            p.state(Neutral.toNeutral(code.exportState(p, p.state()), exportable));
        } catch (Throwable t) {
            String rendered = Texts.describe(p.state());
            p.state(null);
            move.stateLost = true;
            hold(p, move, "export by " + from.version() + " failed: " + Texts.oneLine(t) + "; its last state was "
                    + Texts.abbreviate(rendered));
        }
        long converted = 0;
        ArrayDeque<Object> q = p.stashQueued();
        int n = q.size();
        for (int i = 0; i < n; i++) {
            Object e = q.poll();
            try {
                Call c = e instanceof Call cc ? cc : null;
                Object msg = c != null ? c.message : e;
                if (Neutral.needsConversion(msg, exportable)) {
                    Object out = new ExportedMessage(from.version(), Neutral.toNeutral(code.exportMessage(p, msg), exportable));
                    converted++;
                    if (c != null) {
                        c.message = out;
                    } else {
                        e = out;
                    }
                }
            } catch (Throwable t) {
                // The message stays as it is, and the process really stays held: importing it
                // would hand the new code an object of the old classes.
                move.stateLost = true;
                hold(p, move, "exportMessage by " + from.version() + " failed for " + Texts.describe(e) + ": "
                        + Texts.oneLine(t) + "; the message is kept, the process stays held until it is killed");
            } finally {
                q.add(e); // in its place: nothing queued is lost by an error
            }
        }
        p.restash(q);
        p.unbind();
        move.record.exported(move, converted);
    }

    /** Owner: imports the exported state (and converted messages) with {@code to}, and resumes. */
    private static void importInto(Proc p, Move move, BehaviourVersion to) {
        if (!to.canImportFrom(move.exportedFrom)) {
            hold(p, move, "no migration path: " + to + " imports from " + to.importsFrom() + ", and this state is from "
                    + move.exportedFrom + "; deploy a version that imports from it, or roll back");
            return;
        }
        Behaviour<Object> code = to.code();
        if (code == null || !p.bind(to)) {
            BehaviourVersion serving = p.line().serving();
            if (serving == null || serving == to || !serving.canImportFrom(move.exportedFrom) || !p.bind(serving)) {
                return; // withdrawn meanwhile: wait for the next version
            }
            to = serving;
            code = to.code();
        }
        MigrationNotes.OneProcess notes = new MigrationNotes.OneProcess();
        p.importNotes(notes);
        try {
            Object s = code.importState(p, move.exportedFrom, p.state());
            if (s == null) {
                throw new IllegalStateException("importState returned null");
            }
            ArrayDeque<Object> stash = p.stash();
            if (stash != null) {
                // Convert every message first, then apply: a failure halfway leaves the stash as it was.
                Object[] imported = new Object[stash.size()];
                int i = 0;
                for (Object e : stash) {
                    Object msg = e instanceof Call c ? c.message : e;
                    imported[i++] = msg instanceof ExportedMessage ex ? code.importMessage(p, ex.fromVersion(), ex.neutral()) : msg;
                }
                ArrayDeque<Object> fresh = new ArrayDeque<>(imported.length);
                i = 0;
                for (Object e : stash) {
                    Object msg = imported[i++];
                    if (e instanceof Call c) {
                        c.message = msg;
                        fresh.add(c);
                    } else {
                        fresh.add(msg);
                    }
                }
                p.restash(fresh);
            }
            p.state(s);
            p.importNotes(null);
            p.migration(null);
            p.countUpgrade();
            boolean late = move.record.isSettled();
            long pause = System.nanoTime() - move.exportedAt;
            move.record.migrated(move, pause, notes);
            // Outside the record's monitor: the trail and the pause histogram need no order with the
            // record's other steps, and a batch of moves need not queue behind them.
            move.record.observer().moved(move.record, p.pid(), move.exportedFrom, to.version(), pause);
            if (late) {
                LOG.log(System.Logger.Level.INFO, "process " + p.pid().id() + " of " + p.line().name() + " moved late from "
                        + move.exportedFrom + " to " + to.version() + " (it was held)");
            }
        } catch (Throwable t) {
            p.importNotes(null);
            p.unbind();
            hold(p, move, "import by " + to.version() + " of the state from " + move.exportedFrom + " failed: "
                    + Texts.oneLine(t));
        }
    }

    private static void hold(Proc p, Move move, String reason) {
        move.record.held(move, reason);
        LOG.log(System.Logger.Level.WARNING, "process " + p.pid().id() + p.name().map(n -> " (" + n + ")").orElse("")
                + " of " + p.line().name() + " is held: " + reason);
    }
}
