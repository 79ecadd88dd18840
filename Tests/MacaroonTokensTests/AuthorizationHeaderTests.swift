import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

@Suite("Authorization headers: every form PyPI accepts, and nothing else")
struct AuthorizationHeaderTests {
    @Test("Authorization header forms")
    func headers() throws {
        let token = ServiceTokenTests.canonical
        let basic = "Basic " + Base64.encode(Array("__token__:  \(token) \n".utf8)).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        for header in [basic, "Bearer \(token)", "bearer \(token)", "token \(token)", "TOKEN   \(token)  "] {
            #expect(try AuthorizationHeader.token(from: header) == token[...])
        }
        let wrongUser = "Basic " + Base64.encode(Array("alice:\(token)".utf8))
        for header in [wrongUser, "Digest \(token)", "Bearer", "Bearer   ", token, "Basic %%%", "Basic " + Base64.encode(Array("nocolon".utf8))] {
            #expect(tokenError { try AuthorizationHeader.token(from: header) }?.code == .invalidAuthorizationHeader, "\(header)")
        }
    }

    /// Adversarial review: the header came from a stranger and was searched and compared as
    /// `Character`s, which puts a run of combining marks in canonical order (quadratic: 4 s for 64 KB).
    @Test("the scheme is found and compared as ASCII bytes: 64 KB of combining marks is refused at once")
    func hostileScheme() throws {
        let marks = String(repeating: "\u{301}\u{316}", count: 16_000)
        let token = ServiceTokenTests.canonical
        let clock = ContinuousClock()
        // (U+0600 is a prepended concatenation mark: no Character boundary after it, so a space
        // found among the bytes may sit inside a Character.)
        for header in ["a" + marks + " " + token, "a" + marks, "Bearer" + marks + " " + token,
                       "Bearer\u{600} " + token, "\u{600} Bearer " + token] {
            var error: TokenError?
            let elapsed = clock.measure { error = tokenError { try AuthorizationHeader.token(from: header) } }
            #expect(error?.code == .invalidAuthorizationHeader)
            #expect(elapsed < .milliseconds(500), "\(elapsed)")
        }
        #expect(try AuthorizationHeader.token(from: "Bearer \u{600}" + marks) == "\u{600}" + marks)
        // A scheme is ASCII (RFC 9110 token): a KELVIN SIGN is not a "k", even though "\u{212A}".lowercased() == "k".
        #expect(tokenError { try AuthorizationHeader.token(from: "to\u{212A}en " + token) }?.code == .invalidAuthorizationHeader)
        #expect(try AuthorizationHeader.token(from: "ToKeN " + token) == token[...])
    }

    /// The header is split on its bytes: the boundaries are ASCII whitespace, so every cut is
    /// between Unicode scalars, whatever surrounds it.
    @Test("whitespace around and inside the header, and text that is not ASCII, are cut at whitespace bytes")
    func splitOnBytes() throws {
        let token = ServiceTokenTests.canonical
        for header in ["\r\n\t Bearer \t\r\n\(token) \r\n", "bearer  \(token)", "Bearer \(token)\t"] {
            #expect(try AuthorizationHeader.token(from: header) == token[...], "\(header)")
        }
        // Only a space ends the scheme, as before.
        #expect(tokenError { try AuthorizationHeader.token(from: "Bearer\t\(token)") }?.code == .invalidAuthorizationHeader)
        // Text that is not ASCII is handed on as it is, cut before trailing whitespace (the parser refuses it then).
        #expect(try AuthorizationHeader.token(from: "Bearer t\u{f6}k\u{600} \r\n") == "t\u{f6}k\u{600}")
        #expect(try AuthorizationHeader.token(from: "Bearer \u{301}\u{301}x") == "\u{301}\u{301}x")
        // A slice of a larger string: offsets are the slice's own.
        let padded = "xx Bearer \(token) yy"
        let slice = padded[padded.index(padded.startIndex, offsetBy: 3)..<padded.index(padded.endIndex, offsetBy: -3)]
        #expect(try AuthorizationHeader.token(from: slice) == token[...])
        let error = tokenError { try AuthorizationHeader.token(from: "D\u{e9}j\u{e0} \(token)") }
        #expect(error?.code == .invalidAuthorizationHeader && error?.detail.contains("D\u{e9}j\u{e0}") == true, "\(String(describing: error))")
    }
}

@Suite("Verifying from the Authorization header")
struct AuthorizationVerificationTests {
    @Test("every header form reaches the verifier; a bad header is a malformed token, and strangers' prefixes are not echoed at length")
    func headers() async throws {
        let secret = Array(repeating: UInt8(5), count: 32)
        let token = try ServiceToken(location: "pypi.org", identifier: "id-9", secret: secret, caveats: [try ProjectNamesCaveat(["foo"])])
        var keys = InMemoryKeyStore()
        keys.store(secret: secret, forIdentifier: "id-9")
        let verifier = UploadTokenVerifier(location: "pypi.org")
        let request = UploadRequest(project: .init(name: "foo"), now: 0)
        let basic = "Basic " + Base64.encode(Array("__token__:\(token.string)".utf8))
        for header in ["Bearer \(token.string)", "token \(token.string)", basic] {
            #expect(try await verifier.verify(authorizationHeader: header, request: request, keys: keys) == .allowed)
        }
        let other = UploadRequest(project: .init(name: "bar"), now: 0)
        #expect(try await verifier.verify(authorizationHeader: "Bearer \(token.string)", request: other, keys: keys).reasons.map(\.code)
            == [.caveatNotSatisfied])
        let wrongUser = "Basic " + Base64.encode(Array("alice:\(token.string)".utf8))
        #expect(try await verifier.verify(authorizationHeader: wrongUser, request: request, keys: keys).reasons.map(\.code) == [.malformedToken])
        let longPrefix = String(repeating: "x", count: 10_000) + "-" + token.string
        let reason = try await verifier.verify(token: longPrefix, request: request, keys: keys).reasons.first
        #expect(reason?.code == .malformedToken)
        #expect((reason?.message.count ?? .max) < 200)
    }
}
