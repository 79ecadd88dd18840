import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// The URL-safe base64 alphabet, for building malformed tokens.
enum Base64Alphabet {
    static let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    static func value(of character: Character) -> Int? { characters.firstIndex(of: character) }
    static func character(for value: Int) -> Character { characters[value] }
}

@Suite("Hostile token strings")
struct HostileTokenTests {
    static let secret = Array(repeating: UInt8(3), count: 32)
    static let token = try! ServiceToken(location: "pypi.org", identifier: "id-1", secret: secret,
                                         caveats: [try! ProjectNamesCaveat(["foo"]), try! ExpirationCaveat(expiresAt: 2_000, notBefore: 1_000)])
    static let request = UploadRequest(project: .init(name: "foo"), now: 1_500)

    @Test("flipping any bit or truncating a token makes parse or verification fail")
    func flipsAndTruncations() throws {
        let key = MacaroonKey(derivingFrom: Self.secret)
        let verifier = UploadTokenVerifier()
        #expect(verifier.verify(Self.token, key: key, request: Self.request) == .allowed)
        let text = Array(Self.token.string.utf8)
        for index in text.indices {
            for bit in 0..<8 {
                var flipped = text
                flipped[index] ^= 1 << bit
                guard let token = try? verifier.parse(String(decoding: flipped, as: UTF8.self)) else { continue }
                let verdict = verifier.verify(token, key: key, request: Self.request)
                // Only the unsigned location can change undetected, and a located verifier catches that too.
                if verdict.isAllowed { #expect(token.macaroon.location != Self.token.macaroon.location, "byte \(index) bit \(bit)") }
                #expect(!UploadTokenVerifier(location: "pypi.org").verify(token, key: key, request: Self.request).isAllowed)
            }
        }
        for length in 0..<text.count {
            #expect((try? verifier.parse(String(decoding: text.prefix(length), as: UTF8.self))) == nil, "length \(length)")
        }
    }

    @Test("one verifier shared by many tasks")
    func concurrentVerification() async throws {
        var store = InMemoryKeyStore()
        store.store(secret: Self.secret, forIdentifier: "id-1")
        let keys = store
        let verifier = UploadTokenVerifier(location: "pypi.org")
        let text = Self.token.string
        let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var allowed = 0
                    for round in 0..<200 {
                        let project = (task + round) % 2 == 0 ? "foo" : "bar"
                        let verdict = try await verifier.verify(token: text, request: UploadRequest(project: .init(name: project), now: 1_500), keys: keys)
                        if verdict.isAllowed { allowed += 1 }
                    }
                    return allowed
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(allowed == 800)
    }

    @Test("caveat JSON nesting: at the limit works, one deeper is a named error")
    func jsonDepthLimit() {
        let key = MacaroonKey(derivingFrom: Self.secret)
        func token(claimsDepth: Int) -> ServiceToken {
            let claims = String(repeating: #"{"a":"#, count: claimsDepth) + "1" + String(repeating: "}", count: claimsDepth)
            return ServiceToken(uncheckedPrefix: "pypi", macaroon: Self.token.macaroon.addingFirstPartyCaveat(#"[4,"t1",\#(claims)]"#.utf8))
        }
        var language = CaveatLanguage.pypi
        language.maxJSONDepth = 4
        let verifier = UploadTokenVerifier(language: language)
        let request = UploadRequest(project: .init(name: "foo", id: "p1"), identity: .trustedPublisher(id: "t1", projectIDs: ["p1"]), now: 1_500)
        // The outer array is depth 1, so claims may nest 3 deep.
        #expect(verifier.verify(token(claimsDepth: 3), key: key, request: request) == .allowed)
        let deeper = verifier.verify(token(claimsDepth: 4), key: key, request: request)
        #expect(deeper.reasons.map(\.code) == [.invalidCaveat])
        #expect(deeper.reasons.first?.message.contains("nesting deeper than 4") == true)
    }
}

extension ServiceToken {
    init(uncheckedPrefix prefix: String, macaroon: Macaroon) {
        self = try! ServiceToken(prefix: prefix, macaroon: macaroon)
    }
}
