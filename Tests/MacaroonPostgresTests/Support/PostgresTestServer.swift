#if PostgreSQL
import Foundation
import PostgresNIO
import Testing

/// The PostgreSQL server the tests use: the one at `MACAROONS_POSTGRES_URL` if
/// set, otherwise a throwaway server that `scripts/with-postgres` starts on
/// loopback in a temporary directory, for this process only (it stops when the
/// process ends, even if the process crashes: its standard input closes).
final class PostgresTestServer: Sendable {
    /// Where the server listens, and as whom to connect.
    struct Endpoint: Sendable {
        let host: String
        let port: Int
        let username: String
        let password: String?

        /// The parts of `postgres://USER[:PASSWORD]@HOST[:PORT]/…`.
        init(url: String) throws {
            guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
                throw TestServerError("MACAROONS_POSTGRES_URL is not postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
            }
            (self.host, port, username, password) = (host, components.port ?? 5432, user, components.password)
        }
    }

    /// Where the server listens.
    let endpoint: Endpoint
    /// The script's pipes, when this process started the server (then it can be stopped and started).
    private let control: ScriptControl?

    /// The server all tests share, started once.
    static func shared() async throws -> PostgresTestServer {
        try await sharedServer.value
    }

    private static let sharedServer = Task<PostgresTestServer, any Error> {
        if let url = environmentURL { return PostgresTestServer(endpoint: try Endpoint(url: url), control: nil) }
        return try await launch()
    }

    /// `MACAROONS_POSTGRES_URL`, if set and not empty.
    static let environmentURL: String? = ProcessInfo.processInfo.environment["MACAROONS_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether this is a CI run (`CI=true`): there a server that cannot start fails the tests.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether the PostgreSQL tests run: in CI always (they fail if the server cannot start);
    /// locally when `MACAROONS_POSTGRES_URL` is set or PostgreSQL's server programs are installed.
    static let canRun = isCI || environmentURL != nil || serverProgramsInstalled

    /// Whether tests that stop and restart the database run: only on servers started here.
    static let canStopAndStart = isCI || serverProgramsInstalled

    /// What the tests that do not run say.
    static let notRunReason: Comment =
        "PostgreSQL tests not run: set MACAROONS_POSTGRES_URL (scripts/with-postgres) or install Debian's postgresql"

    private static var serverProgramsInstalled: Bool {
        if let bin = ProcessInfo.processInfo.environment["POSTGRES_BIN"] {
            return FileManager.default.isExecutableFile(atPath: bin + "/pg_ctl")
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.contains { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/pg_ctl") }
    }

    private init(endpoint: Endpoint, control: ScriptControl?) {
        self.endpoint = endpoint
        self.control = control
    }

    /// A server of its own, started by `scripts/with-postgres` (for tests that stop it).
    static func launch() async throws -> PostgresTestServer {
        let control = try ScriptControl.start()
        let line = try await control.readLine()
        guard let line, line.hasPrefix("MACAROONS_POSTGRES_URL="), let url = line.split(separator: "=", maxSplits: 1).last else {
            throw TestServerError("scripts/with-postgres did not start a server (it printed \(line ?? "nothing"); see its standard error)")
        }
        return PostgresTestServer(endpoint: try Endpoint(url: String(url)), control: control)
    }

    /// Stops a server launched by ``launch()`` for good and removes its directory.
    func shutDown() {
        control?.close()
    }

    /// Stops the server (fast shutdown: sessions are ended).
    func stop() async throws { try await command("stop", answer: "stopped") }

    /// Starts the stopped server again, on the same port with the same data.
    func start() async throws { try await command("start", answer: "started") }

    private func command(_ command: String, answer: String) async throws {
        guard let control else { throw TestServerError("the server at MACAROONS_POSTGRES_URL cannot be stopped or started by the tests") }
        try control.write(command + "\n")
        let line = try await control.readLine()
        guard line == answer else { throw TestServerError("scripts/with-postgres answered \(line ?? "nothing") to \(command)") }
    }

    /// A new, empty database; returns its name.
    func makeDatabase() async throws -> String {
        let name = "macaroons_\(UInt64.random(in: 0...UInt64.max))"
        let connection = try await PostgresConnection.connect(
            configuration: connectionConfiguration(database: "postgres"), id: 1, logger: Logger(label: "test-server"))
        defer { Task { try? await connection.close() } }
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test-server"))
        return name
    }

    /// A client configuration for `database`.
    func clientConfiguration(database: String) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password, database: database,
            tls: .disable)
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.maximumConnections = 6
        return configuration
    }

    private func connectionConfiguration(database: String) -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password, database: database, tls: .disable)
    }
}

/// A failure of the test server's set-up.
struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `scripts/with-postgres` run without a command: lines in, lines out.
private final class ScriptControl: Sendable {
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let buffer = LockedBuffer()

    private init(process: Process, input: FileHandle, output: FileHandle) {
        self.process = process
        self.input = input
        self.output = output
    }

    static func start() throws -> ScriptControl {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/with-postgres")
        let process = Process()
        process.executableURL = script
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        return ScriptControl(process: process, input: stdin.fileHandleForWriting, output: stdout.fileHandleForReading)
    }

    /// Closes the script's input: it stops the server, removes its directory and exits.
    func close() {
        try? input.close()
    }

    func write(_ text: String) throws {
        try input.write(contentsOf: Data(text.utf8))
    }

    /// The next line the script prints, `nil` at its end (read on a thread of its own).
    func readLine() async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { [self] in
                continuation.resume(returning: buffer.readLine(from: output))
            }
        }
    }
}

/// Bytes read from the script but not yet returned as lines.
private final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [UInt8] = []

    func readLine(from handle: FileHandle) -> String? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let data = handle.availableData
            if data.isEmpty { return nil }
            pending += data
        }
    }
}
#endif
