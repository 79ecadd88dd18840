import Foundation
import Logging
import MacaroonSQLite
import MacaroonTokens

// Looks one token up in an SQLite token store again and again, for counting what a
// lookup costs with tools that see the whole process (callgrind, perf stat, strace):
//   store-lookup-loop PATH fill             mints 10,000 sealed tokens and the measured one
//                                           (its token text saved in PATH.token)
//   store-lookup-loop PATH N [thread|task]  N lookups of the measured one, from a plain
//                                           thread or from a task (as StoreBenchmarks does)
//   store-lookup-loop PATH N verify         N upload verifications of the measured token, in a task
// Run it once with N = 0 and once with N > 0 and divide the difference by N.

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: store-lookup-loop PATH fill | PATH COUNT [thread|task]\n".utf8))
    exit(2)
}
let path = arguments[1]
let keyRing = KeyRing(try KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32)))
var logger = Logger(label: "store-lookup-loop")
logger.logLevel = .error
let store = try SQLiteTokenStore(path: path, keyRing: keyRing, logger: logger)
let measured = "measured"

if arguments[2] == "fill" {
    for index in 0..<10_000 {
        _ = try await store.mint(NewToken(owner: .user(id: "user-\(index & 0xff)"), name: "token \(index)", location: "pypi.org"), now: 1_700_000_000)
    }
    let token = try await store.mint(
        NewToken(owner: .user(id: "user-measured"), name: measured, caveats: [try ProjectNamesCaveat(["sampleproject"])], location: "pypi.org"),
        now: 1_700_000_000)
    try token.token.write(toFile: path + ".token", atomically: true, encoding: .utf8)
    print(token.info.id)
    exit(0)
}

guard let count = Int(arguments[2]) else { exit(2) }
guard let id = try store.tokens(ownedBy: .user(id: "user-measured")).first?.id else {
    FileHandle.standardError.write(Data("no measured token: run `fill` first\n".utf8))
    exit(1)
}

func run() throws -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<count {
        let record = try store.token(id: id)
        precondition(record != nil)
    }
    return start.duration(to: clock.now)
}

/// Every owner active.
struct ActiveOwners: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus { .active() }
}

func verify() async throws -> Duration {
    let token = try String(contentsOfFile: path + ".token", encoding: .utf8)
    let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    let request = UploadRequest(project: .init(name: "sampleproject", id: "project-1"), now: 1_800_000_000)
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<count {
        let result = try await verifier.verify(token: token, request: request, store: store, owners: ActiveOwners())
        precondition(result.isAllowed)
    }
    return start.duration(to: clock.now)
}

let mode = arguments.count > 3 ? arguments[3] : "thread"
let elapsed: Duration
if mode == "task" {
    elapsed = try await Task.detached { try run() }.value
} else if mode == "verify" {
    elapsed = try await Task.detached { try await verify() }.value
} else {
    elapsed = try run()
}
if count > 0 { print("\(count) \(mode == "verify" ? "verifications" : "lookups"), \(elapsed / count) each") }
