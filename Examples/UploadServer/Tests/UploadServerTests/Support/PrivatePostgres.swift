import Foundation

/// A PostgreSQL server of one test's own (`scripts/with-postgres` in serving mode), which the
/// test may pause (SIGSTOP: a database that stops answering) without disturbing other suites.
final class PrivatePostgres: @unchecked Sendable {
    let url: String
    private let process = Process()
    private let input = Pipe()
    private let port: String

    /// Whether Debian's PostgreSQL is installed here.
    static var available: Bool { FileManager.default.fileExists(atPath: "/usr/lib/postgresql") }

    init() throws {
        process.executableURL = Programs.repositoryDirectory.appendingPathComponent("scripts/with-postgres")
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("MACAROONS_POSTGRES_URL="), let colon = text.lastIndex(of: ":"), let slash = text.lastIndex(of: "/") else {
            throw TestFailure("with-postgres did not start: '\(text)'")
        }
        url = String(text.dropFirst("MACAROONS_POSTGRES_URL=".count))
        port = String(text[text.index(after: colon)..<slash])
    }

    /// The server's processes: the postmaster listening on our port and its children.
    private func processIDs() throws -> [Int32] {
        let listing = try Programs.run("/bin/ps", ["-eo", "pid=,ppid=,args="]).stdout.split(separator: "\n").map {
            $0.split(separator: " ", maxSplits: 2).map(String.init)
        }
        guard let postmaster = listing.first(where: { $0.count == 3 && $0[2].contains("postgres") && $0[2].contains("-p \(port) ") }) else {
            throw TestFailure("no postmaster on port \(port)")
        }
        return [postmaster[0]] .compactMap { Int32($0) } + listing.filter { $0.count >= 2 && $0[1] == postmaster[0] }.compactMap { Int32($0[0]) }
    }

    /// Stops every process of the server without closing a connection: it stops answering.
    func pause() throws { for pid in try processIDs() { kill(pid, SIGSTOP) } }

    /// Lets it answer again.
    func resume() { for pid in (try? processIDs()) ?? [] { kill(pid, SIGCONT) } }

    /// Stops and removes the server.
    func stop() {
        resume()
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
