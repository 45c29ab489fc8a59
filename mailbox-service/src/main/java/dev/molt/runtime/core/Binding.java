package dev.molt.runtime.core;

import java.util.concurrent.atomic.AtomicLong;

import dev.molt.api.Behaviour;

/**
 * One registered version of a behaviour: what a process runs while bound to it. The runtime
 * drops every binding to a version when that version goes away, so that nothing it holds
 * refers to the old code.
 */
public final class Binding {

    /** Numbers the bindings in the order they were made; no two are equal. */
    private static final AtomicLong SERIALS = new AtomicLong();

    final Slot slot;
    final String version;
    /** Tells this binding from another of the same version (a bundle updated to the same version). */
    final long serial = SERIALS.incrementAndGet();
    /** The service object. Cleared when the version is withdrawn: nothing may call it after. */
    volatile Behaviour<Object> code;
    /** Opaque owner-side token (the OSGi layer keeps its ServiceReference here); cleared with code. */
    volatile Object token;

    @SuppressWarnings("unchecked")
    Binding(Slot slot, String version, Behaviour<?> code, Object token) {
        this.slot = slot;
        this.version = version;
        this.code = (Behaviour<Object>) code;
        this.token = token;
    }

    public String behaviour() {
        return slot.name;
    }

    public String version() {
        return version;
    }

    public Object token() {
        return token;
    }

    ClassLoader loader() {
        Behaviour<Object> c = code;
        return c == null ? null : c.getClass().getClassLoader();
    }

    int compareVersion(Binding other) {
        return Versions.compare(version, other.version);
    }

    @Override
    public String toString() {
        return slot.name + " " + version;
    }
}
