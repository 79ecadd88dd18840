import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// The verdict table of `Specs/vectors/upload-verdicts.jsonl` (written by `swift run spec-vectors`).
@Suite("Conformance vectors of Specs/vectors: upload verdicts")
struct UploadVerdictVectorTests {
    /// A line of upload-verdicts.jsonl.
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        struct Reason: Decodable, Sendable {
            let code: String
            let message: String
        }
        let name: String
        let caveats: [String]
        let request: UploadRequestRecord
        let token: String
        let rootSecretHex: String
        let location: String?
        let allowed: Bool
        let reasons: [Reason]
        var testDescription: String { name }
    }

    static let vectors = vectorRecords("Specs/vectors/upload-verdicts.jsonl", as: Vector.self)

    @Test func tableIsPresent() {
        #expect(Self.vectors.count >= 60)
    }

    @Test("upload verdicts", arguments: vectors)
    func uploadVerdict(_ vector: Vector) throws {
        let verifier = UploadTokenVerifier(prefix: "pypi", location: vector.location)
        let token = try verifier.parse(vector.token)
        #expect(token.macaroon.caveats.map { String(decoding: $0.identifier, as: UTF8.self) } == vector.caveats)
        let verdict = verifier.verify(token, key: MacaroonKey(derivingFrom: hex(vector.rootSecretHex)), request: vector.request.uploadRequest)
        #expect(verdict.isAllowed == vector.allowed)
        #expect(verdict.reasons.map(\.code.description) == vector.reasons.map(\.code))
        #expect(verdict.reasons.map(\.message) == vector.reasons.map(\.message))
    }
}
