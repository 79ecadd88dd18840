import Foundation
import Testing

/// The result of a finished command.
struct CommandResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String

    var output: String { stdout + stderr }
    var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs programs and finds the ones the tests need.
enum Programs {
    /// The folder holding this package's built products (the test bundle sits next to them).
    static let buildDirectory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On macOS the arguments name xctest inside the toolchain; fall back to the package's .build/debug.
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent("upload-server").path) {
            url = packageDirectory.appendingPathComponent(".build/debug")
        }
        return url
    }()

    /// Examples/UploadServer.
    static let packageDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's root.
    static let repositoryDirectory = packageDirectory.deletingLastPathComponent().deletingLastPathComponent()

    static var uploadServer: String { buildDirectory.appendingPathComponent("upload-server").path }
    static var macaroon: String { buildDirectory.appendingPathComponent("macaroon").path }

    /// Whether the tests run in CI, where nothing may be skipped.
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Runs `executable` with `arguments` to completion, with `input` on its standard input (none by default).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, input: String? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let path = scratch.appendingPathComponent("in")
            try input.write(to: path, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: path)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Runs `upload-server` with `arguments`; throws unless it succeeds.
    @discardableResult
    static func admin(_ arguments: [String]) throws -> String {
        let result = try run(uploadServer, arguments)
        guard result.status == 0 else { throw TestFailure("upload-server \(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A running `upload-server serve`, its log captured to a file.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let url: String
    let logPath: String

    /// Starts the server (logging at debug level, so that tests search every line) and waits (up to 60 s) for its ready line.
    init(_ arguments: [String], logPath: String) throws {
        self.logPath = logPath
        process.executableURL = URL(fileURLWithPath: Programs.uploadServer)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--log-level", "debug"] + arguments
        let pipe = Pipe()
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("http://127.0.0.1:") || text.hasPrefix("https://127.0.0.1:") else {
            process.terminate()
            throw TestFailure("upload-server did not announce its address (got '\(text)'); log:\n\(Self.read(logPath))")
        }
        url = text
    }

    /// The server's log so far.
    var log: String { Self.read(logPath) }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }

    private static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}
