import Macaroons
import Testing
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// Issue 13.6: attacker bytes are escaped and capped in every message.
@Suite("Attacker text in messages is escaped and capped")
struct EscapingTests {
    /// Sets the terminal title, then clears the screen.
    static let terminalAttack = "\u{1B}]0;pwned\u{07}\u{1B}[2J"
    /// Other characters that act on terminals and logs: C1 CSI, a bidi override, a line separator.
    static let otherAttacks = ["\u{9B}2J", "\u{202E}gpj.exe", "a\u{2028}b", "\u{7F}"]

    /// Whether `text` holds a character that a terminal or log would act on.
    static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: Printable.needsEscaping)
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: JSONWriter.write(.string(text)), as: UTF8.self)
    }

    @Test("Printable escapes controls, format characters and separators, and caps by scalars")
    func printable() {
        for attack in [Self.terminalAttack] + Self.otherAttacks {
            #expect(Self.isSafe(Printable.text(attack)))
            #expect(Self.isSafe(Printable.message("x " + attack)))
        }
        #expect(Printable.text(Self.terminalAttack) == #"'\u{1B}]0;pwned\u{7}\u{1B}[2J'"#)
        // One Character of 10,000 combining marks is still capped.
        let marks = "e" + String(repeating: "\u{301}", count: 10_000)
        #expect(Printable.text(marks).unicodeScalars.count <= Printable.defaultLimit + 5)
        #expect(Printable.bytes(ArraySlice(marks.utf8)).unicodeScalars.count <= Printable.defaultLimit + 5)
        #expect(Printable.message(marks).utf8.count <= Printable.maxMessageBytes + 3)
        #expect(Printable.message("plain ASCII stays as it is") == "plain ASCII stays as it is")
    }

    @Test("a denial reason keeps its message as given and escapes and caps it when it is read")
    func denialReasonRendersWhenRead() {
        let long = String(repeating: "a", count: 3_000)
        let reason = DenialReason(.caveatNotSatisfied, Self.terminalAttack + long)
        #expect(Self.isSafe(reason.message))
        #expect(reason.description == reason.message)
        #expect(reason.message.hasPrefix(#"\u{1B}]0;pwned"#))
        #expect(reason.message.utf8.count <= Printable.maxMessageBytes + 3)
        // Equality and hashing are those of the message shown: texts that differ past the cap are one reason.
        let longer = DenialReason(.caveatNotSatisfied, Self.terminalAttack + long + "b")
        #expect(reason == longer)
        #expect(Set([reason, longer]).count == 1)
        #expect(reason != DenialReason(.invalidCaveat, Self.terminalAttack + long))
    }

    @Test("a token identifier describes itself escaped and capped")
    func tokenIdentifier() {
        let identifier = TokenIdentifier(Self.terminalAttack + String(repeating: "x", count: 500))
        #expect(Self.isSafe(identifier.description))
        #expect(identifier.description.utf8.count < 300)
        #expect(identifier.text == Self.terminalAttack + String(repeating: "x", count: 500))
        #expect(TokenIdentifier([0xFF, 0xFE]).text == nil)
    }

    @Test("caveat summaries, denial messages and caveat errors", arguments: [terminalAttack] + otherAttacks)
    func caveatMessages(attack: String) throws {
        let key = TimeBoundaries.key
        let root = try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: key, identifier: "t".utf8))
        let caveats: [any TaggedUploadCaveat] = [
            try ProjectNamesCaveat(arguments: CaveatArguments([.array([.string(attack)])])),
            try ProjectIDsCaveat([attack]), try RequestUserCaveat(userID: attack), try TrustedPublisherCaveat(publisherID: attack),
        ]
        for caveat in caveats {
            #expect(Self.isSafe(caveat.summary), "\(caveat.summary)")
        }
        // The project id differs, so the project-id message echoes the request's name and id.
        let request = UploadRequest(project: .init(name: attack, id: attack + "x"), identity: .user(id: "u"))
        let verdict = UploadTokenVerifier().verify(root.restricted(by: caveats), key: key, request: request)
        #expect(verdict.reasons.count >= 3)
        #expect(verdict.reasons.allSatisfy { Self.isSafe($0.message) }, "\(verdict.reasons)")
        // Raw bytes in a caveat that is not JSON, and escapes in one that is.
        let raw = root.macaroon.addingFirstPartyCaveat(Array(attack.utf8)).addingFirstPartyCaveat("[9,\(Self.jsonString(attack))]".utf8)
        let rawVerdict = UploadTokenVerifier().verify(try ServiceToken(prefix: "pypi", macaroon: raw), key: key, request: request)
        #expect(rawVerdict.reasons.map(\.code) == [.invalidCaveat, .invalidCaveat])
        #expect(rawVerdict.reasons.allSatisfy { Self.isSafe($0.message) }, "\(rawVerdict.reasons)")
    }

    @Test("JSON member names in v2 JSON errors and caveat errors")
    func jsonMemberNames() throws {
        let name = Self.jsonString(Self.terminalAttack)
        let signature = Base64.encode([UInt8](repeating: 0, count: 32))
        for text in [#"{"i":"k",\#(name):1,"s64":"\#(signature)"}"#, #"{"i":"k",\#(name):1,\#(name):2,"s64":"\#(signature)"}"#] {
            #expect(throws: MacaroonError.self) { try Macaroon(decoding: text.utf8) }
            do {
                _ = try Macaroon(decoding: text.utf8)
            } catch {
                #expect(Self.isSafe(error.detail) && Self.isSafe(error.description), "\(error)")
            }
        }
        let caveat = "{\(name):1,\(name):2}"
        do {
            _ = try CaveatLanguage.pypi.decode(ArraySlice(caveat.utf8))
            Issue.record("a duplicate member was accepted")
        } catch {
            #expect(Self.isSafe(error.detail), "\(error.detail)")
        }
    }

    @Test("token errors: wrong prefix, bad scheme")
    func tokenErrors() throws {
        let scheme = try #require(tokenError { try AuthorizationHeader.token(from: Self.terminalAttack + " x") })
        #expect(Self.isSafe(scheme.detail))
        let prefix = try #require(tokenError { try ServiceToken(parsing: "abc-AgEIcHlwaS5vcmc", expectedPrefix: Self.terminalAttack) })
        #expect(Self.isSafe(prefix.detail))
    }
}
