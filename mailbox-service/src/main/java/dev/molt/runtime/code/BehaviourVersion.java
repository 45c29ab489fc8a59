package dev.molt.runtime.code;

import java.util.concurrent.atomic.AtomicLong;

import dev.molt.api.Behaviour;
import dev.molt.runtime.neutral.ClassView;

/**
 * One registered version of a behaviour: the code a process runs while it is a member of this
 * version. When the version is withdrawn and its last process has left, {@link #dispose} drops the
 * code, so that nothing the runtime holds refers to the old bundle revision.
 *
 * <p>Thread rule: immutable but for {@link #code} and {@link #source}, which are written once more
 * (cleared) by {@link #dispose}; volatile so that a process that reads null knows the code is gone.
 */
public final class BehaviourVersion {

    /** Numbers the versions in the order they were registered; no two are equal. */
    private static final AtomicLong SERIALS = new AtomicLong();

    private final BehaviourLine line;
    private final String version;
    private final long serial = SERIALS.incrementAndGet();
    private final long bundleId;
    private final String bundleName;
    private final VersionRange importsFrom;
    private final Members members = new Members();
    private volatile Behaviour<Object> code;
    private volatile Object source;
    /** How this code sees classes (the conversion rule); cleared with the code. */
    private volatile ClassView view;
    /** Volatile: listings and spawns read it from any thread. */
    private volatile boolean withdrawn;

    @SuppressWarnings("unchecked")
    BehaviourVersion(BehaviourLine line, String version, Behaviour<?> code, Source source) {
        this.line = line;
        this.version = version;
        this.code = (Behaviour<Object>) code;
        this.source = source.token();
        this.bundleId = source.bundleId();
        this.bundleName = source.bundleName();
        this.importsFrom = source.importsFrom();
        this.view = new ClassView(code.getClass());
    }

    /**
     * Where a version comes from: what the host (the OSGi layer) knows of it.
     *
     * @param token       opaque to the runtime (the OSGi layer keeps the ServiceReference)
     * @param bundleId    the providing bundle, or -1 without a framework
     * @param bundleName  its symbolic name and id for messages, or null
     * @param importsFrom the versions it declares it can import state from, or null for any
     */
    public record Source(Object token, long bundleId, String bundleName, VersionRange importsFrom) {
        public static final Source NONE = new Source(null, -1, null, null);
    }

    public BehaviourLine line() {
        return line;
    }

    public String name() {
        return line.name();
    }

    public String version() {
        return version;
    }

    public long serial() {
        return serial;
    }

    public long bundleId() {
        return bundleId;
    }

    /** "symbolic.name [id]" for messages, or the behaviour and version without a framework. */
    public String bundleLabel() {
        return bundleName != null ? bundleName + " [" + bundleId + "]" : line.name() + " " + version;
    }

    public VersionRange importsFrom() {
        return importsFrom;
    }

    /** Whether state exported by {@code fromVersion} may be imported here (the declared range). */
    public boolean canImportFrom(String fromVersion) {
        return importsFrom == null || fromVersion == null || importsFrom.includes(fromVersion);
    }

    public Members members() {
        return members;
    }

    /** The code, or null once disposed. */
    public Behaviour<Object> code() {
        return code;
    }

    /** How this code sees classes, or null once disposed. */
    public ClassView view() {
        return view;
    }

    public Object source() {
        return source;
    }

    /** The class loader of the code (the bundle revision's), or null once disposed. */
    public ClassLoader loader() {
        Behaviour<Object> c = code;
        return c == null ? null : c.getClass().getClassLoader();
    }

    public boolean isWithdrawn() {
        return withdrawn;
    }

    void markWithdrawn() {
        withdrawn = true;
    }

    /** Drops the code: called once the version is withdrawn and no process runs it. */
    public void dispose() {
        code = null;
        source = null;
        ClassView v = view;
        if (v != null) {
            v.forget();
        }
        view = null;
    }

    /** Newer versions rank higher; of two registrations of one version, the earlier (it keeps serving). */
    public int compareTo(BehaviourVersion other) {
        int c = Versions.compare(version, other.version);
        return c != 0 ? c : Long.compare(other.serial, serial);
    }

    @Override
    public String toString() {
        return line.name() + " " + version;
    }
}
