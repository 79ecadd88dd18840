import Foundation
@testable import Macaroons

/// The repository's `Tests/Vectors` folder, found from this file's path.
let vectorsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors")

/// One JSON object per line of a JSON Lines file under `Tests/Vectors`.
func loadJSONLines(_ relativePath: String) throws -> [[String: Any]] {
    let text = try String(contentsOf: vectorsDirectory.appendingPathComponent(relativePath), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    }
}

/// Bytes from hexadecimal written in a test.
func hex(_ text: String) -> [UInt8] {
    Hex.decode(text) ?? []
}

/// A small deterministic generator (SplitMix64) so property tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

extension Macaroon {
    /// Whether two macaroons have the same parts (slices compare by content).
    func sameParts(as other: Macaroon) -> Bool {
        location == other.location && identifier == other.identifier && caveats == other.caveats
            && signature == other.signature
    }
}

/// The `MacaroonError` a throwing expression produced, or `nil` (also for any other error type).
func macaroonError<T>(_ body: () throws -> T) -> MacaroonError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? MacaroonError
    }
}
