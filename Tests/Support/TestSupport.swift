import Foundation
import Macaroons
@testable import _MacaroonInternals

/// The repository's root folder, found from this file's path.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Bytes from hexadecimal written in a test (empty if malformed).
public func hex(_ text: String) -> [UInt8] {
    Hex.decode(text) ?? []
}

/// A small deterministic generator (SplitMix64) so property tests are repeatable.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

extension Verdict {
    /// The signature-stage error behind an ``DenialReason/Code/invalidSignature`` denial, if any.
    public var signatureError: MacaroonError? {
        reasons.first { $0.code == .invalidSignature }?.underlying
    }
}

/// The records of a JSON Lines file, by path from the repository root, each
/// decoded as `Record` (a missing key or a wrong type is an error, not a default).
public func loadRecords<Record: Decodable>(_ relativePath: String, as type: Record.Type = Record.self) throws -> [Record] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try text.split(separator: "\n").map { try decoder.decode(Record.self, from: Data($0.utf8)) }
}
