import Testing
import Macaroons
@testable import MacaroonTokens

@Suite("The caveat language: decoding errors by code, and the language as the verifier's policy")
struct CaveatLanguageTests {
    static func decodeError(_ text: String, in language: CaveatLanguage = .pypi) -> CaveatError? {
        do {
            _ = try language.decode(Array(text.utf8)[...])
            return nil
        } catch {
            return error
        }
    }

    @Test("every kind of undecodable caveat has its code", arguments: [
        ("project = foo", CaveatError.Code.invalidJSON),
        ("[1,", .invalidJSON),
        ("\"text\"", .invalidShape),
        ("[]", .invalidShape),
        ("[true,[\"foo\"]]", .invalidShape),
        ("[7]", .unknownTag),
        ("{\"color\":\"red\"}", .unknownTag),
        ("[0,1900000000]", .invalidArguments),
        ("[1,[]]", .invalidArguments),
        ("[3,\"\"]", .invalidArguments),
        ("[4,\"pub\",7]", .invalidArguments),
        ("[0,10,10]", .invalidValue),
    ])
    func errorCodes(_ text: String, _ code: CaveatError.Code) {
        #expect(Self.decodeError(text)?.code == code, "\(text)")
    }

    @Test("a JSON syntax error keeps its byte offset in the underlying error")
    func underlyingJSONError() {
        let error = Self.decodeError("[1, [\"a\" \"b\"]]")
        #expect(error?.code == .invalidJSON)
        #expect(error?.underlying?.code == .invalidJSON)
        #expect(error?.underlying?.offset == 9)
    }

    @Test("legacy caveats only in a language that accepts them")
    func legacy() {
        #expect(Self.decodeError(#"{"version":1,"permissions":"user"}"#) == nil)
        #expect(Self.decodeError(#"{"version":1,"permissions":"user"}"#, in: CaveatLanguage().adding(ExpirationCaveat.self))?.code == .invalidShape)
        #expect(CaveatLanguage.pypi.tags == [0, 1, 2, 3, 4])
    }

    @Test("as a policy: satisfied, not satisfied, or invalid, with Warehouse's words")
    func policy() {
        let request = UploadRequest(project: .init(name: "foo"), now: 1_800_000_000)
        let language = CaveatLanguage.pypi
        #expect(language.evaluate(Array(#"[1,["foo"]]"#.utf8)[...], in: request) == .satisfied)
        #expect(language.evaluate(Array(#"[1,["bar"]]"#.utf8)[...], in: request)
            == .notSatisfied("project-scoped token is not valid for project: 'foo'"))
        guard case .failed(let reason) = language.evaluate(Array("[9]".utf8)[...], in: request) else {
            Issue.record("an unknown tag must fail")
            return
        }
        #expect(reason.code == .invalidCaveat)
        #expect(reason.message == "invalid caveat '[9]': caveat has unknown tag: 9")
        // The borrowed-bytes entry point agrees (the default copies and calls the other).
        let bytes = Array(#"[1,["bar"]]"#.utf8)
        #expect(bytes.withUnsafeBytes { language.evaluate(borrowing: $0, in: request) } == language.evaluate(bytes[...], in: request))
    }

    @Test("caveats describe themselves for tools")
    func details() throws {
        let expiration = try ExpirationCaveat(expiresAt: 1_900_000_000, notBefore: 1_700_000_000)
        #expect(expiration.details == CaveatDetails(kind: "expiration", fields: [
            .init("expires_at", .integer(1_900_000_000)), .init("not_before", .integer(1_700_000_000)),
        ]))
        #expect(expiration.summary(now: 1_899_913_600)
            == "expires 2030-03-17 17:46:40 UTC (in 1 day); valid from 2023-11-14 22:13:20 UTC")
        #expect(try ProjectNamesCaveat(["Foo_Bar"]).details == CaveatDetails(kind: "project_names", fields: [.init("names", .strings(["foo-bar"]))]))
        #expect(try TrustedPublisherCaveat(publisherID: "p").details.kind == "trusted_publisher")
        #expect(LegacyUserCaveat().details == CaveatDetails(kind: "legacy_user"))
        // A caveat type of the server's own gets kind `tag N` and its arguments by position.
        #expect(ReleaseVersionCaveat(version: "1.2.0").details
            == CaveatDetails(kind: "tag 100", fields: [.init("argument 1", .string("1.2.0"))]))
        #expect(ReleaseVersionCaveat(version: "1.2.0").summary(now: 0) == "version: 1.2.0")
    }

    @Test("arguments are written as Warehouse writes them, and read back")
    func arguments() throws {
        let caveat = try TrustedPublisherCaveat(publisherID: "pub-\u{e9}")
        #expect(String(decoding: caveat.encoded, as: UTF8.self) == #"[4,"pub-\u00e9",null]"#)
        let decoded = try CaveatLanguage.pypi.decode(caveat.encoded[...])
        #expect((decoded as? TrustedPublisherCaveat)?.publisherID == "pub-\u{e9}")
        #expect(String(decoding: try ProjectIDsCaveat(["a", "b"]).encoded, as: UTF8.self) == #"[2,["a","b"]]"#)
    }
}
