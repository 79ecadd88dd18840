import Foundation
@testable import Macaroons
@_exported import MacaroonTestSupport

/// The repository's `Tests/Vectors` folder.
let vectorsDirectory = repositoryRoot.appendingPathComponent("Tests/Vectors")

/// One JSON object per line of a JSON Lines file under `Tests/Vectors`.
func loadVectorLines(_ relativePath: String) throws -> [[String: Any]] {
    try loadJSONLines("Tests/Vectors/" + relativePath)
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
