/**
 * Benchmarks of the Molt runtime, side by side with Apache Pekko classic actors doing the same
 * work, plus spawn, memory and upgrade measurements that JMH timings cannot express.
 *
 * <p>Nothing here runs in the build: {@code bench/run} runs it and regenerates
 * {@code docs/BENCHMARKS.md}. No figure is asserted anywhere; the report states what was measured.
 *
 * <p>Layout: the JMH classes ({@link dev.molt.bench.PingPong}, {@link dev.molt.bench.FanIn},
 * {@link dev.molt.bench.FanOut}) each hold a {@code molt} and a {@code pekko} benchmark doing the
 * same work; {@link dev.molt.bench.SpawnMemory} and {@link dev.molt.bench.UpgradeCost} are plain
 * programs run in their own JVMs; {@link dev.molt.bench.Report} turns all results into the doc.
 */
package dev.molt.bench;
