package dev.molt.health;

/** What a check found: a level and one line saying why (and, when not OK, what to do). */
record Finding(Level level, String reason) {

    enum Level { OK, WARN, CRITICAL }

    static Finding ok(String reason) {
        return new Finding(Level.OK, reason);
    }
}
