import Foundation
@testable import Macaroons
@_exported import MacaroonTestSupport

/// The repository's `Tests/Vectors` folder.
let vectorsDirectory = repositoryRoot.appendingPathComponent("Tests/Vectors")

extension Macaroon {
    /// Whether every field v1 JSON writes as text is UTF-8 (so the macaroon has a v1 JSON form).
    var isText: Bool {
        ([location, identifier] + caveats.flatMap { caveat -> [ArraySlice<UInt8>] in
            if case .thirdParty(let identifier, _, let location) = caveat { return [identifier, location] }
            return [caveat.identifier]
        }).allSatisfy { String(validating: $0, as: UTF8.self) != nil }
    }

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
