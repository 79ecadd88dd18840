import Foundation
import MacaroonTokens

/// The registry's time: Unix seconds, from the same clock as the token verifier.
enum Clock {
    static func now() -> Int64 { UploadRequest.currentTime() }

    /// A time as ISO 8601 text in UTC, e.g. `2026-11-30T10:00:00Z`.
    static func format(_ time: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(time)).formatted(.iso8601)
    }
}
