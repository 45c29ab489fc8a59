/** The cluster tests' behaviour, built into a bundle by the tests themselves (ProbeBundle). */
package dev.molt.features.cluster.probe;
