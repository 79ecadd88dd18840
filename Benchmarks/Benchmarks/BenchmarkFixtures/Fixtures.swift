@_spi(Instrumentation) import Macaroons
import MacaroonTokens

/// Fixtures shared by the scenarios, built once.
public enum Fixtures {
    public static let secret = [UInt8](repeating: 0x42, count: 32)
    public static let key = MacaroonKey(derivingFrom: secret)
    public static let identifier = Array("0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b".utf8)
    public static let location = Array("https://example.org/".utf8)

    /// Caveat `i` of a generic macaroon: `caveat-i = value-i`, about 25 bytes.
    public static func caveat(_ index: Int) -> [UInt8] { Array("caveat-\(index) = value-\(index)".utf8) }

    public static func macaroon(caveats count: Int) -> Macaroon {
        (0..<count).reduce(Macaroon(key: key, identifier: identifier, location: location)) { $0.addingFirstPartyCaveat(caveat($1)) }
    }

    public static func verifier(caveats count: Int) -> MacaroonVerifier<CaveatPredicates> {
        MacaroonVerifier(predicates: (0..<count).map { CaveatPredicate.exact(caveat($0)) })
    }

    // A PyPI-shaped upload token: expiration, project names, project ids; made for a user.
    public static let tokenID = "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b"
    public static let projectID = "6b7e4b3e-0000-4000-8000-000000000001"
    public static let uploadToken: String = {
        let caveats: [any TaggedUploadCaveat] = [
            try! ExpirationCaveat(expiresAt: 1_900_000_000, notBefore: 1_700_000_000),
            try! ProjectNamesCaveat(["sampleproject"]),
            try! ProjectIDsCaveat([projectID]),
        ]
        return try! ServiceToken(location: "pypi.org", identifier: tokenID, secret: secret, caveats: caveats).string
    }()
    public static let keyStore: InMemoryKeyStore = {
        var store = InMemoryKeyStore()
        store.store(secret: secret, forIdentifier: tokenID)
        return store
    }()
    public static let uploadVerifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    public static let allowedRequest = UploadRequest(
        project: .init(name: "SampleProject", id: projectID), identity: .user(id: "0f1e2d3c-4b5a-4969-8877-665544332211"), now: 1_800_000_000)
    public static let deniedRequest = UploadRequest(
        project: .init(name: "otherproject", id: "6b7e4b3e-0000-4000-8000-000000000002"),
        identity: .user(id: "0f1e2d3c-4b5a-4969-8877-665544332211"), now: 1_800_000_000)

    /// From the token string to the verdict, as a server runs it on each request.
    public static func verifyUpload(_ text: String, _ request: UploadRequest) -> UploadVerdict {
        guard let token = try? uploadVerifier.parse(text) else { return .denied([]) }
        return uploadVerifier.verify(token, key: keyStore.rootKey(forIdentifier: TokenIdentifier(token.macaroon.identifier)), request: request)
    }

    /// Hostile Unicode (issue 13.2): `size` bytes of ASCII, or of `e` followed by
    /// combining acute accents (one `Character` of thousands of scalars), whose
    /// `String` hashing and `==` cost more than linear time.
    public static func hostileText(bytes size: Int, combining: Bool) -> String {
        combining ? "e" + String(repeating: "\u{301}", count: (size - 1) / 2) : String(repeating: "a", count: size)
    }

    /// A correctly signed upload token whose identifier is `identifier`.
    public static func token(identifier: String) -> String {
        try! ServiceToken(location: "pypi.org", identifier: identifier, secret: secret).string
    }

    /// A verifier that looks up identifiers of any length, so that the key store's hashing is measured too.
    public static let uncappedVerifier: UploadTokenVerifier = {
        var verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
        verifier.maxIdentifierLength = .max
        return verifier
    }()

    // One third-party caveat and its bound discharge.
    public static let thirdPartyRoot = macaroon(caveats: 1).addingThirdPartyCaveat(
        secret: Array("caveat secret".utf8), identifier: Array("user is alice".utf8), location: Array("https://auth.example/".utf8))
    public static let boundDischarge = Macaroon(key: MacaroonKey(derivingFrom: Array("caveat secret".utf8)), identifier: Array("user is alice".utf8))
        .addingFirstPartyCaveat(caveat(1)).bound(to: thirdPartyRoot)
    public static let thirdPartyBundle = MacaroonBundle(root: thirdPartyRoot, discharges: [boundDischarge]).encodedString()
}

/// The generic macaroons every implementation decodes and verifies in `peers/run`:
/// v1 text (the one format libmacaroons 0.3 reads) with 1, 3, 10 and 100 caveats.
public enum PeerCases {
    public static let caveatCounts = [1, 3, 10, 100]

    /// Our implementation when it derives the key from the secret on every
    /// verification, as the peers' APIs do (a server derives it once per key).
    public static let derivingEachCall = "swift-macaroons, key derived per call"

    public static func name(caveats count: Int) -> String { "decode+verify v1, \(count) caveat\(count == 1 ? "" : "s")" }

    /// `name TAB secret-hex TAB token TAB predicate-hex,...`, one line per case.
    public static func lines() -> [String] {
        caveatCounts.map { count in
            let token = String(decoding: try! Fixtures.macaroon(caveats: count).encoded(as: .v1), as: UTF8.self)
            let predicates = (0..<count).map { hex(Fixtures.caveat($0)) }.joined(separator: ",")
            return [name(caveats: count), hex(Fixtures.secret), token, predicates].joined(separator: "\t")
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
