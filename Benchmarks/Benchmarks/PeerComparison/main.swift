// Our side of `peers/run`.
//   PeerComparison emit FILE      writes the shared cases (see PeerCases)
//   PeerComparison measure        prints one JSON line per case for swift-macaroons (with a key derived once, and
//                                 derived on every call as the peers do) and for the bare HMAC chain,
//                                 and the upload-verification throughput with 1 and 2 tasks sharing one verifier
import BenchmarkFixtures
import Dispatch
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

/// Upload verifications split over 1 and 2 tasks sharing one verifier; ns per
/// verification of wall time (so 2 tasks on 2 cores ideally halve it). This
/// runs outside package-benchmark, whose malloc interposer serializes threads.
func measureScaling() {
    let total = 200_000
    for tasks in [1, 2] {
        var best = Double.infinity
        for _ in 0..<5 {
            let clock = ContinuousClock()
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: tasks) { _ in
                // Each task gets its own copy of the token, as each request would.
                let token = String(decoding: Array(Fixtures.uploadToken.utf8), as: UTF8.self)
                for _ in 0..<(total / tasks) {
                    precondition(Fixtures.verifyUpload(token, Fixtures.allowedRequest).isAllowed)
                }
            }
            let (seconds, attoseconds) = (clock.now - start).components
            best = min(best, (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(total))
        }
        report("upload verification, \(tasks) task\(tasks == 1 ? "" : "s") sharing one verifier", "swift-macaroons", best)
    }
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
            precondition(try! verifier.verify(encoded: token, key: Fixtures.key).isAllowed)
        })
        report(PeerCases.name(caveats: count), PeerCases.derivingEachCall, nanosecondsPerOperation {
            precondition(try! verifier.verify(encoded: token, key: MacaroonKey(derivingFrom: Fixtures.secret)).isAllowed)
        })
        report(PeerCases.name(caveats: count), "HMAC chain (floor)", nanosecondsPerOperation {
            Fixtures.secret.withUnsafeBytes { secret in
                _ = BareSignatureChain.signature(secret: secret, identifier: Fixtures.identifier[...], caveats: caveats)
            }
        })
    }
    measureScaling()
default:
    print("usage: PeerComparison emit FILE | measure")
    exit(2)
}
