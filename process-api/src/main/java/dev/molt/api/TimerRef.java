package dev.molt.api;

import org.osgi.annotation.versioning.ProviderType;

/** A message waiting to be sent later. */
@ProviderType
public interface TimerRef {

    /** Cancels the send; returns false if the message was already sent or cancelled. */
    boolean cancel();
}
