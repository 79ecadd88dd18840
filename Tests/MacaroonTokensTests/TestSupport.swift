import Foundation
import Macaroons
@testable import MacaroonTokens

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// One JSON object per line of a JSON Lines file, by path from the repository root.
func loadJSONLines(_ relativePath: String) throws -> [[String: Any]] {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    }
}

func hex(_ text: String) -> [UInt8] { Hex.decode(text) ?? [] }

/// An upload request from the JSON form used by the vector files
/// (`project_name`, `project_id`, `user_id`, `publisher_id`, `publisher_project_ids`, `now`).
func uploadRequest(from json: [String: Any]) -> UploadRequest {
    let name = json["project_name"] as? String
    let id = json["project_id"] as? String
    var identity: UploadRequest.Identity?
    if let user = json["user_id"] as? String { identity = .user(id: user) }
    if let publisher = json["publisher_id"] as? String {
        identity = .trustedPublisher(id: publisher, projectIDs: Set(json["publisher_project_ids"] as? [String] ?? []))
    }
    return UploadRequest(
        project: name != nil || id != nil ? UploadRequest.Project(name: name ?? "", id: id) : nil,
        identity: identity, now: (json["now"] as? NSNumber)?.int64Value ?? 0)
}

/// A deterministic generator (SplitMix64) for repeatable property tests.
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
}

func tokenError<T>(_ body: () throws -> T) -> TokenError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? TokenError
    }
}
