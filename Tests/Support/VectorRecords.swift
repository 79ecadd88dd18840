import Foundation
import Testing

/// The records of a vector file (JSON Lines, by path from the repository root), or
/// none with a test issue recorded when the file is missing or a line does not
/// decode as `Record`. For the `arguments:` of parameterized tests.
public func vectorRecords<Record: Decodable>(_ relativePath: String, as type: Record.Type = Record.self) -> [Record] {
    do {
        return try loadRecords(relativePath, as: type)
    } catch {
        Issue.record("\(relativePath): \(error)")
        return []
    }
}

/// A line of the peer vector files in `Tests/Vectors/peers` (see the README
/// there): what a peer library minted, how it serialized it, and (pypitoken,
/// pymacaroons' Warehouse case) the requests it was checked against. Keys are
/// the files' snake-case names.
public struct PeerRecord: Decodable, Sendable {
    /// A caveat as the peer listed it (`cl` only for third-party caveats).
    public struct Caveat: Decodable, Sendable {
        public let cl: String?
    }

    /// A bound discharge, by serialization.
    public struct Discharge: Decodable, Sendable {
        public let serializations: [String: String?]
    }

    /// A request a pypitoken token was checked against, and what the restriction means for it.
    public struct Context: Decodable, Sendable {
        public let label: String
        public let context: UploadRequestRecord
        /// Another key than the record's, for the wrong-key contexts.
        public let keyHex: String?
        public let expectedAllowed: Bool
    }

    /// What Warehouse minted the trusted-publishing token for (pymacaroons' `warehouse_trusted_publisher`).
    public struct Warehouse: Decodable, Sendable {
        public let publisherId: String
        public let projectId: String
        public let notBefore: Int64
        public let expiresAt: Int64
    }

    public let peer: String
    public let `case`: String
    public let rootKeyHex: String
    public let location: String?
    /// pypitoken's name for the location.
    public let domain: String?
    public let identifier: String?
    public let identifierHex: String?
    public let caveats: [Caveat]?
    /// By format key (`v1`, `v2`, `v1json`, `v2json`); `null` where the peer wrote none.
    public let serializations: [String: String?]
    public let signatureHex: String
    public let signatureHexV1: String?
    /// go-macaroon's v1 signature where its v1 forms lost a caveat.
    public let signatureHexV1Actual: String?
    public let predicatesHex: [String]?
    public let discharges: [Discharge]?
    /// What the peer wrote that is not a valid macaroon, by format key.
    public let invalidSerializations: [String: String]?
    /// pypitoken's token text.
    public let token: String?
    public let contexts: [Context]?
    public let warehouse: Warehouse?

    /// The records of `Tests/Vectors/peers/<file>`.
    public static func load(_ file: String) -> [PeerRecord] {
        vectorRecords("Tests/Vectors/peers/" + file)
    }
}

/// An upload request as the vector files write it (`project_name`, `project_id`,
/// `user_id`, `publisher_id`, `publisher_project_ids`, `now`); `MacaroonTokensTests`
/// turns it into an `UploadRequest`.
public struct UploadRequestRecord: Decodable, Sendable {
    public let projectName: String?
    public let projectId: String?
    public let userId: String?
    public let publisherId: String?
    public let publisherProjectIds: [String]?
    public let now: Int64
}
