package dev.molt.api.admin;

import java.time.Duration;
import java.time.Instant;

import dev.molt.api.UpgradeMode;

/**
 * One upgrade one process went through (or was held in).
 *
 * @param at     when the process moved (or was held)
 * @param from   the version it left
 * @param to     the version it went to (for a held process, the version it was going to, or null)
 * @param mode   how its upgrade ran
 * @param pause  from its export to its import (zero while held)
 * @param held   why it was held, or null if it moved
 */
public record MigrationStep(Instant at, String from, String to, UpgradeMode mode, Duration pause, String held) {
}
