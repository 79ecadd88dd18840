#if Hummingbird
@testable import MacaroonServerSupport
import Macaroons
import MacaroonTokens
import Testing

/// The status line carries reason messages that echo request bytes (project names,
/// usernames): they must never break the line or inject a header.
@Suite("TokenRefusal")
struct TokenRefusalTests {
    @Test("control characters become spaces, other non-ASCII characters '?'")
    func sanitized() {
        let refusal = TokenRefusal.invalidToken([
            DenialReason(.caveatNotSatisfied, "project-scoped token is not valid for project: 'evil\r\nSet-Cookie: a=b\u{7F}\tç🙂'")
        ])
        // DenialReason already escapes control characters as text (`\u{D}`); the phrase
        // keeps that text and turns what is left outside printable ASCII into '?'.
        #expect(refusal.reasonPhrase == #"Invalid API Token: project-scoped token is not valid for project: 'evil\u{D}\u{A}Set-Cookie: a=b\u{7F}\u{9}??'"#)
        #expect(refusal.message.contains("ç🙂"), "the body keeps the message as it is")
        #expect(refusal.reasonPhrase.utf8.allSatisfy { (0x20..<0x7F).contains($0) })
    }

    @Test("capped at 512 bytes, every reason joined in the body")
    func capped() {
        let reasons = (0..<40).map { DenialReason(.caveatNotSatisfied, "reason number \($0) is long enough to matter") }
        let refusal = TokenRefusal.invalidToken(reasons)
        #expect(refusal.reasonPhrase.utf8.count == 512)
        #expect(refusal.reasonPhrase.hasSuffix("..."))
        #expect(refusal.message.hasSuffix("reason number 39 is long enough to matter"))
        #expect(refusal.message.split(separator: "; ").count == 40)
    }

    @Test("the description names codes only, never messages")
    func description() {
        let refusal = TokenRefusal.invalidToken([DenialReason(.malformedToken, "needs the username '__token__', got 'pypi-secret'")])
        #expect(refusal.description == "TokenRefusal(403: malformedToken)")
        #expect(TokenRefusal.unavailable.description == "TokenRefusal(503)")
    }
}
#endif
