/**
 * Benchmarks of the Molt runtime beside Apache Pekko classic actors and Erlang/OTP doing the
 * same work: message workloads, spawn rate and memory, and upgrades with a sender running.
 *
 * <p>Nothing here runs in the build: {@code bench/run} runs it and regenerates
 * {@code docs/BENCHMARKS.md}. No figure is asserted anywhere; the report states what was measured.
 *
 * <p>Layout: {@link dev.molt.bench.PingPong}, {@link dev.molt.bench.FanIn} and
 * {@link dev.molt.bench.FanOut} each hold a Molt and a Pekko {@link dev.molt.bench.Workload}
 * doing the same work; {@link dev.molt.bench.Messages} is the harness that times one of them in
 * its own JVM; {@link dev.molt.bench.SpawnMemory} and {@link dev.molt.bench.UpgradeCost} are
 * plain programs run in their own JVMs; {@code bench/erlang/} holds the Erlang side;
 * {@link dev.molt.bench.Report} turns all results into the page. Molt is reached only through
 * {@link dev.molt.bench.molt.MoltSupport}.
 */
package dev.molt.bench;
