import Benchmark

extension Benchmark.Configuration {
    /// The settings every benchmark target of this package measures with: wall clock,
    /// throughput and mallocs, in nanoseconds, after 100 warm-up iterations, for at most
    /// 2 seconds or `maxIterations` per scenario.
    ///
    /// Regression guard (see Benchmarks/README.md): p90 wall clock may not worsen by more
    /// than 35% from the committed thresholds, nor allocations grow; p90 throughput, which
    /// is noisier on a shared machine, only guards against halving.
    public static func swiftMacaroons(scalingFactor: BenchmarkScalingFactor, maxIterations: Int) -> Benchmark.Configuration {
        .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            timeUnits: .nanoseconds,
            warmupIterations: 100,
            scalingFactor: scalingFactor,
            maxDuration: .seconds(2),
            maxIterations: maxIterations,
            thresholds: [
                .wallClock: .init(relative: [.p90: 35]),
                .throughput: .init(relative: [.p90: 60]),
                .mallocCountTotal: .init(absolute: [.p90: 0]),
            ]
        )
    }
}
