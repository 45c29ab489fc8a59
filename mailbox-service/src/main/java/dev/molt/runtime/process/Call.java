package dev.molt.runtime.process;

import java.util.concurrent.CompletableFuture;

import dev.molt.api.ProcessException;
import dev.molt.api.ReplyHandle;

/**
 * A call in a mailbox: the message and the caller's reply slot. The slot is the caller's
 * own future, so a reply can never reach another caller, and once the caller gave up (the
 * future completed with a timeout) a late reply is dropped by {@link #complete}'s first-wins rule.
 */
public final class Call extends CompletableFuture<Object> implements ReplyHandle {

    /**
     * Written by the caller before the call is queued, and by the owner when an upgrade converts
     * it; the queue's hand-off orders the two.
     */
    public Object message;
    /** Owner only: the handler answered or took the reply with replyLater. */
    boolean claimed;
    /**
     * Written by the owner before it hands the call to a handler; read by the caller after it saw
     * the process exited (the exit's CAS on the status orders the two): a call taken is the
     * handler's to answer.
     */
    boolean taken;

    public Call(Object message) {
        this.message = message;
    }

    @Override
    public boolean reply(Object value) {
        return complete(value);
    }

    @Override
    public boolean fail(String reason) {
        return completeExceptionally(new ProcessException(reason));
    }
}
