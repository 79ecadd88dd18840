import Testing
import Macaroons
@testable import MacaroonTokens

/// PyPI's trusted-publishing token, minted by pymacaroons with caveats serialized
/// as Warehouse's `caveats.serialize` does (`warehouse_trusted_publisher` in
/// Tests/Vectors/peers/pymacaroons.jsonl, made by scripts/make-pymacaroons-vectors).
@Suite("A Warehouse-shaped trusted-publishing token")
struct WarehouseTokenTests {
    struct Vector {
        let token: String
        let secret: [UInt8]
        let identifier: String
        let publisher: String
        let project: String
        let notBefore: Int64
        let expiresAt: Int64
    }

    static let vector: Vector? = PeerRecord.load("pymacaroons.jsonl").first { $0.case == "warehouse_trusted_publisher" }
        .flatMap { record in
            guard let v2 = record.serializations["v2"] ?? nil, let warehouse = record.warehouse else { return nil }
            return Vector(token: "pypi-" + v2, secret: hex(record.rootKeyHex), identifier: record.identifier ?? "",
                          publisher: warehouse.publisherId, project: warehouse.projectId,
                          notBefore: warehouse.notBefore, expiresAt: warehouse.expiresAt)
        }

    static func verdict(_ vector: Vector, publisher: String, project: String, now: Int64) async throws -> UploadVerdict {
        var keys = InMemoryKeyStore()
        keys.store(secret: vector.secret, forIdentifier: vector.identifier)
        let request = UploadRequest(project: .init(name: "sampleproject", id: project),
                                    identity: .trustedPublisher(id: publisher, projectIDs: [vector.project]), now: now)
        return try await UploadTokenVerifier().verify(token: vector.token, request: request, keys: keys)
    }

    @Test("minting the same restrictions here gives Warehouse's token, byte for byte")
    func sameBytes() throws {
        let vector = try #require(Self.vector)
        let ours = try ServiceToken(location: "pypi.org", identifier: vector.identifier, secret: vector.secret, caveats: [
            TrustedPublisherCaveat(publisherID: vector.publisher), ProjectIDsCaveat([vector.project]),
            ExpirationCaveat(expiresAt: vector.expiresAt, notBefore: vector.notBefore),
        ])
        #expect(ours.string == vector.token)
        #expect(String(decoding: ours.macaroon.caveats[0].identifier, as: UTF8.self) == #"[4,"\#(vector.publisher)",null]"#)
    }

    @Test("allowed for its publisher and project; denied for another publisher, another project, after expiry")
    func verdicts() async throws {
        let vector = try #require(Self.vector)
        let inWindow = vector.notBefore + 60
        let allowed = try await Self.verdict(vector, publisher: vector.publisher, project: vector.project, now: inWindow)
        #expect(allowed.isAllowed, "\(allowed.reasons)")

        // Warehouse's reason texts (warehouse/macaroons/caveats/__init__.py); ours add detail after
        // them where Specs/divergences.md says so.
        let otherPublisher = try await Self.verdict(vector, publisher: "another-publisher", project: vector.project, now: inWindow)
        #expect(otherPublisher.reasons.map(\.message) == ["current OIDC publisher does not match publisher restriction in token"])

        let otherProject = try await Self.verdict(vector, publisher: vector.publisher, project: "another-project", now: inWindow)
        let messages = otherProject.reasons.map(\.message)
        #expect(messages.count == 2)
        #expect(messages.first == "OIDC scoped token is not valid for project 'sampleproject'")
        #expect(messages.last?.hasPrefix("project-scoped token is not valid for project: 'sampleproject'") == true)

        for now in [vector.expiresAt, vector.expiresAt + 1] {
            let expired = try await Self.verdict(vector, publisher: vector.publisher, project: vector.project, now: now)
            #expect(expired.reasons.count == 1)
            #expect(expired.reasons.first?.message.hasPrefix("token is expired") == true)
        }
        let early = try await Self.verdict(vector, publisher: vector.publisher, project: vector.project, now: vector.notBefore - 1)
        #expect(!early.isAllowed)
    }

    @Test("null claims are read as Warehouse reads them; other claims values are refused")
    func claims() throws {
        for caveat in [#"[4,"p"]"#, #"[4,"p",null]"#, #"[4,"p",{"ref":"main"}]"#, #"[4, "p", null]"#] {
            #expect(try CaveatLanguage.pypi.decode(Array(caveat.utf8)[...]) is TrustedPublisherCaveat, "\(caveat)")
        }
        for caveat in [#"[4,"p","x"]"#, #"[4,"p",1]"#, #"[4,"p",[]]"#, #"[4,"p",false]"#, #"[4,"p",null,null]"#] {
            #expect(throws: CaveatError.self, "\(caveat)") { try CaveatLanguage.pypi.decode(Array(caveat.utf8)[...]) }
        }
    }
}
