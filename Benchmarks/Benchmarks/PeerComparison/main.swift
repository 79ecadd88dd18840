// Our side of `peers/run`.
//   PeerComparison emit FILE      writes the shared cases (see PeerCases)
//   PeerComparison measure        prints one JSON line per case for swift-macaroons and for the bare HMAC chain
import BenchmarkFixtures
@_spi(Instrumentation) import Macaroons
#if canImport(Glibc)
import Glibc
#endif

/// Best of five runs of at least 200 ms each, in nanoseconds per operation.
func nanosecondsPerOperation(_ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<5 {
        let clock = ContinuousClock()
        var iterations = 0
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            for _ in 0..<100 { body() }
            iterations += 100
            elapsed = clock.now - start
        } while elapsed < .milliseconds(200)
        let (seconds, attoseconds) = elapsed.components
        best = min(best, (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations))
    }
    return best
}

func report(_ scenario: String, _ implementation: String, _ nanoseconds: Double) {
    print(#"{"scenario":"\#(scenario)","implementation":"\#(implementation)","ns_per_op":\#(Int(nanoseconds.rounded()))}"#)
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "emit":
    guard let path = arguments.dropFirst().first, let file = fopen(path, "w") else {
        print("usage: PeerComparison emit FILE")
        exit(2)
    }
    fputs(PeerCases.lines().joined(separator: "\n") + "\n", file)
    fclose(file)
case "measure":
    for count in PeerCases.caveatCounts {
        let token = try! Fixtures.macaroon(caveats: count).encoded(as: .v1)
        let verifier = Fixtures.verifier(caveats: count)
        let caveats = (0..<count).map { Fixtures.caveat($0)[...] }
        report(PeerCases.name(caveats: count), "swift-macaroons", nanosecondsPerOperation {
            let macaroon = try! Macaroon(decoding: token)
            try! verifier.verify(macaroon, key: Fixtures.key)
        })
        report(PeerCases.name(caveats: count), "HMAC chain (floor)", nanosecondsPerOperation {
            Fixtures.secret.withUnsafeBytes { secret in
                _ = BareSignatureChain.signature(secret: secret, identifier: Fixtures.identifier[...], caveats: caveats)
            }
        })
    }
default:
    print("usage: PeerComparison emit FILE | measure")
    exit(2)
}
