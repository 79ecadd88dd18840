import Testing
import Macaroons
@testable import MacaroonTokens

/// A row of `Specs/vectors/upload-verdicts.jsonl`: caveats, request, verdict, reasons.
struct VerdictRow: Sendable, CustomTestStringConvertible {
    let name: String
    let caveats: [String]
    let request: UploadRequest
    let allowed: Bool
    let reasons: [DenialReason]
    var testDescription: String { name }

    static let all: [VerdictRow] = ((try? loadJSONLines("Specs/vectors/upload-verdicts.jsonl")) ?? []).map { record in
        VerdictRow(
            name: record["name"] as? String ?? "",
            caveats: record["caveats"] as? [String] ?? [],
            request: uploadRequest(from: record["request"] as? [String: Any] ?? [:]),
            allowed: record["allowed"] as? Bool ?? false,
            reasons: (record["reasons"] as? [[String: Any]] ?? []).map { reason in
                DenialReason(DenialReason.Code(rawValue: reason["code"] as? String ?? "") ?? .malformedToken,
                             reason["message"] as? String ?? "")
            })
    }
}

@Suite("The upload verdict table of Specs/")
struct VerdictTableTests {
    static let secret = Array(repeating: UInt8(0x42), count: 32)
    static let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")

    @Test func tableIsPresent() {
        #expect(VerdictRow.all.count >= 60)
    }

    @Test("verdict and reasons", arguments: VerdictRow.all)
    func row(_ row: VerdictRow) throws {
        var macaroon = Macaroon(key: MacaroonKey(derivingFrom: Self.secret), identifier: "token-id".utf8, location: "pypi.org".utf8)
        for caveat in row.caveats {
            macaroon = macaroon.addingFirstPartyCaveat(caveat.utf8)
        }
        let token = try ServiceToken(prefix: "pypi", macaroon: macaroon)
        let parsed = try Self.verifier.parse(token.string)
        let verdict = Self.verifier.verify(parsed, key: MacaroonKey(derivingFrom: Self.secret), request: row.request)
        #expect(verdict.isAllowed == row.allowed)
        #expect(verdict.reasons.map(\.code) == row.reasons.map(\.code))
        #expect(verdict.reasons.map(\.message) == row.reasons.map(\.message))
    }
}
