import Foundation
import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// The verdict table of `Specs/vectors/upload-verdicts.jsonl` (written by `swift run spec-vectors`).
@Suite("Conformance vectors of Specs/vectors: upload verdicts")
struct UploadVerdictVectorTests {
    /// A line of upload-verdicts.jsonl.
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        struct Request: Decodable, Sendable {
            let projectName: String?
            let projectId: String?
            let userId: String?
            let publisherId: String?
            let publisherProjectIds: [String]?
            let now: Int64

            var uploadRequest: UploadRequest {
                var identity: UploadRequest.Identity?
                if let userId { identity = .user(id: userId) }
                if let publisherId { identity = .trustedPublisher(id: publisherId, projectIDs: Set(publisherProjectIds ?? [])) }
                let project = projectName != nil || projectId != nil ? UploadRequest.Project(name: projectName ?? "", id: projectId) : nil
                return UploadRequest(project: project, identity: identity, now: now)
            }
        }
        struct Reason: Decodable, Sendable {
            let code: String
            let message: String
        }
        let name: String
        let caveats: [String]
        let request: Request
        let token: String
        let rootSecretHex: String
        let location: String?
        let allowed: Bool
        let reasons: [Reason]
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        do {
            return try loadRecords("Specs/vectors/upload-verdicts.jsonl", as: Vector.self)
        } catch {
            Issue.record("upload-verdicts.jsonl: \(error)")
            return []
        }
    }()

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
