import Benchmark
import Foundation
import BenchmarkFixtures
import BenchmarkSettings
@_spi(Instrumentation) import Macaroons
import MacaroonTokens

// Names use no spaces or slashes: package-benchmark 1.38.1 writes threshold
// files with those replaced by '_' but looks them up unreplaced.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .swiftMacaroons(scalingFactor: .kilo, maxIterations: 1_000_000)

    // MARK: The floor

    let message = [UInt8](repeating: 0x61, count: 40)
    Benchmark("HMAC-SHA256-floor") { benchmark in
        Fixtures.secret.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                for _ in benchmark.scaledIterations { blackHole(BareSignatureChain.hmac(key: key, message: message)) }
            }
        }
    }
    for count in [1, 3, 10, 100] {
        let caveats = (0..<count).map { Fixtures.caveat($0)[...] }
        Benchmark("Chain-\(count)-caveats") { benchmark in
            Fixtures.secret.withUnsafeBytes { secret in
                for _ in benchmark.scaledIterations {
                    blackHole(BareSignatureChain.signature(secret: secret, identifier: Fixtures.identifier[...], caveats: caveats))
                }
            }
        }
    }

    // MARK: Decoding

    // 3 and 100 caveats: decoding time should grow linearly with the token's size.
    for count in [3, 100] {
        let sample = Fixtures.macaroon(caveats: count)
        for format in [MacaroonFormat.v1, .v2, .v2JSON] {
            let encoded = try! sample.encoded(as: format)
            Benchmark("Decode-\(format)-\(count)-caveats") { benchmark in
                for _ in benchmark.scaledIterations { blackHole(try! Macaroon(decoding: encoded)) }
            }
        }
    }
    Benchmark("Decode-service-token") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! ServiceToken(parsing: Fixtures.uploadToken)) }
    }

    // MARK: Decode and verify

    for count in [1, 3, 10, 100] {
        let encoded = try! Fixtures.macaroon(caveats: count).encoded(as: .v2)
        let verifier = Fixtures.verifier(caveats: count)
        Benchmark("DecodeVerify-v2-\(count)-caveats-one-pass") { benchmark in
            for _ in benchmark.scaledIterations { precondition(try! verifier.verify(encoded: encoded, key: Fixtures.key).isAllowed) }
        }
        Benchmark("DecodeVerify-v2-\(count)-caveats-Macaroon-value") { benchmark in
            for _ in benchmark.scaledIterations {
                let macaroon = try! Macaroon(decoding: encoded)
                precondition(verifier.verify(macaroon, key: Fixtures.key).isAllowed)
            }
        }
    }

    Benchmark("Upload-allowed") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Fixtures.verifyUpload(Fixtures.uploadToken, Fixtures.allowedRequest)) }
    }
    Benchmark("Upload-denied") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Fixtures.verifyUpload(Fixtures.uploadToken, Fixtures.deniedRequest)) }
    }

    let thirdPartyVerifier = Fixtures.verifier(caveats: 2)
    Benchmark("ThirdParty-decode-verify-bound-discharge") { benchmark in
        for _ in benchmark.scaledIterations {
            let bundle = try! MacaroonBundle(decoding: Fixtures.thirdPartyBundle.utf8)
            precondition(thirdPartyVerifier.verify(bundle.root, key: Fixtures.key, discharges: bundle.discharges).isAllowed)
        }
    }

    // MARK: Hostile Unicode (issue 13.2)
    // The same sizes in ASCII and in combining marks: each pair should cost about
    // the same, and 32 KB about four times 8 KB (linear). Before the fix the
    // combining-mark identifier took about 1000x its ASCII twin at 43 KB.

    for kilobytes in [8, 32] {
        for combining in [false, true] {
            let text = Fixtures.hostileText(bytes: kilobytes * 1_024, combining: combining)
            let kind = combining ? "combining" : "ascii"
            let token = Fixtures.token(identifier: text)
            Benchmark("Unicode-identifier-lookup-\(kind)-\(kilobytes)KB") { benchmark in
                for _ in benchmark.scaledIterations {
                    let parsed = try! Fixtures.uncappedVerifier.parse(token)
                    blackHole(Fixtures.keyStore.rootKey(forIdentifier: TokenIdentifier(parsed.macaroon.identifier)))
                }
            }
            let header = "Basic " + Data((text + ":" + Fixtures.uploadToken).utf8).base64EncodedString()
            Benchmark("Unicode-basic-auth-user-\(kind)-\(kilobytes)KB") { benchmark in
                for _ in benchmark.scaledIterations { blackHole(try? AuthorizationHeader.token(from: header)) }
            }
        }
    }

    // MARK: Minting and attenuation

    Benchmark("Mint-macaroon") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Macaroon(key: Fixtures.key, identifier: Fixtures.identifier, location: Fixtures.location))
        }
    }
    let projects = try! ProjectNamesCaveat(["sampleproject"])
    Benchmark("Mint-upload-token-fresh-secret") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! ServiceToken.mint(location: "pypi.org", identifier: Fixtures.tokenID, caveats: [projects]).token.string)
        }
    }
    let token = try! ServiceToken(parsing: Fixtures.uploadToken)
    let expiry = try! ExpirationCaveat(expiresAt: 1_800_003_600, notBefore: 1_800_000_000)
    Benchmark("Attenuate-upload-token") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(token.restricted(by: expiry).string) }
    }

    // MARK: Concurrency: one shared verifier, the same total work split over 1 or 2 tasks.
    // package-benchmark's malloc interposer counts every allocation in shared
    // counters, which serializes threads; `peers/run` measures scaling without it.

    let totalVerifications = 20_000
    for tasks in [1, 2] {
        Benchmark("Concurrent-\(tasks)-tasks-x-\(totalVerifications / tasks)-upload-verifications",
                  configuration: .init(metrics: [.wallClock], scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 40,
                                       thresholds: [.wallClock: .init(relative: [.p90: 35])])) { benchmark in
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<tasks {
                    group.addTask {
                        var allowed = 0
                        for _ in 0..<(totalVerifications / tasks) where Fixtures.verifyUpload(Fixtures.uploadToken, Fixtures.allowedRequest).isAllowed {
                            allowed += 1
                        }
                        return allowed
                    }
                }
                for await count in group { blackHole(count) }
            }
        }
    }
}

