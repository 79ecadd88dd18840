#if Hummingbird || Vapor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Macaroons
#if SQLite
import MacaroonSQLite
#endif
import MacaroonServerSupport
import MacaroonTokens
import Metrics
import Tracing

/// Users and their status, as a server's account table would answer.
public struct TestOwnerPolicy: TokenOwnerPolicy {
    public init() {}

    public func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
        switch owner.id {
        case Fixture.disabledUser: .disabled(reason: "user account is frozen")
        case Fixture.brokenUser: throw PolicyFailure()
        default: .active()
        }
    }

    /// What the policy throws for ``Fixture/brokenUser``: an outage of the account database.
    public struct PolicyFailure: Error, CustomStringConvertible {
        public var description: String { "account database unreachable" }
    }
}

/// A store whose lookups fail as a database that is down.
public struct UnreachableStore: TokenStore {
    public init() {}
    static let error = TokenStoreError(.unavailable, detail: "connection refused (test)")
    public func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken { throw Self.error }
    public func token(id: String) async throws(TokenStoreError) -> TokenRecord? { throw Self.error }
    public func tokens(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> [TokenInfo] { throw Self.error }
    public func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError) { throw Self.error }
    public func deleteAll(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> Int { throw Self.error }
    public func purgeExpired(now: Int64) async throws(TokenStoreError) -> Int { throw Self.error }
    public func recordUse(_ lastUsed: [String: Int64]) async throws(TokenStoreError) { throw Self.error }
    public func rewrap() async throws(TokenStoreError) -> Int { throw Self.error }
}

/// Where the fixture's tokens are stored.
public enum Backend: String, Sendable, CaseIterable, CustomStringConvertible {
    case memory, sqlite

    /// The backends built in: SQLite with the `SQLite` trait.
    public static var available: [Backend] {
        #if SQLite
        [.memory, .sqlite]
        #else
        [.memory]
        #endif
    }

    public var description: String { rawValue }
}

/// A token store with one token of every kind the adapter tests present, and every
/// secret they used (to look for in logs).
public struct Fixture: Sendable {
    public static let location = "upload.test"
    public static let user = "alice"
    public static let disabledUser = "mallory"
    public static let brokenUser = "bob"
    /// The project the scoped token may upload to.
    public static let project = UploadRequest.Project(name: "Sample_Project", id: "0b7e5c1a-project-sample")
    /// Another project.
    public static let otherProject = UploadRequest.Project(name: "other-project", id: "3f1d2e4b-project-other")

    public let store: any TokenStore
    /// The directory of the SQLite file, if any.
    public let directory: String?
    public let verifier = UploadTokenVerifier(prefix: "pypi", location: Fixture.location)
    /// Account-wide token of ``user``.
    public let accountToken: String
    /// Token of ``user`` for ``project`` only.
    public let projectToken: String
    /// Token of ``user`` past its stored expiry.
    public let expiredToken: String
    /// Token of ``disabledUser``.
    public let disabledToken: String
    /// Token of ``brokenUser`` (the owner policy throws).
    public let brokenPolicyToken: String
    /// A deleted token.
    public let revokedToken: String
    /// ``accountToken`` with another signature.
    public let forgedToken: String
    /// A token minted for another location.
    public let foreignToken: String
    /// ``accountToken`` with a third-party caveat appended.
    public let thirdPartyToken: String
    /// ``accountToken`` with a caveat of an unknown tag appended.
    public let unknownCaveatToken: String
    /// The key-encryption key, in hexadecimal.
    public let kekHex: String
    /// Every secret of this fixture in every spelling a log could carry: token texts,
    /// their base64 bodies, `Authorization` values, root keys and signatures in hex.
    public let secrets: [String]

    /// Mints every token into a new store of `backend`, which logs to `logger`.
    public init(backend: Backend = .memory, logger: Logger = Logger(label: "fixture", factory: { _ in SwiftLogNoOpLogHandler() })) async throws {
        kekHex = Self.hex(Array(MacaroonKey.generateSecret().prefix(32)))
        let kek = try KeyEncryptionKey(id: "kek-test", hex: kekHex)
        let store: any TokenStore
        switch backend {
        case .memory:
            store = InMemoryTokenStore(keyRing: KeyRing(kek))
            directory = nil
        case .sqlite:
            #if SQLite
            var template = Array("/tmp/macaroon-adapter-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw TokenStoreError(.unavailable, detail: "mkdtemp failed") }
            let path = String(cString: made)
            directory = path
            store = try SQLiteTokenStore(path: path + "/tokens.sqlite", keyRing: KeyRing(kek), logger: logger)
            #else
            fatalError("SQLite needs the SQLite trait")
            #endif
        }
        self.store = store
        func mint(_ owner: String, _ name: String, caveats: [any TaggedUploadCaveat] = [], location: String = Fixture.location,
                  now: Int64? = nil, expires: Int64? = nil) async throws -> MintedStoredToken {
            let new = NewToken(owner: .user(id: owner), name: name, caveats: caveats, expires: expires, location: location)
            if let now { return try await store.mint(new, now: now) }
            return try await store.mint(new)
        }
        let account = try await mint(Self.user, "account")
        accountToken = account.token
        projectToken = try await mint(Self.user, "sample", caveats: [ProjectNamesCaveat([Self.project.name])]).token
        expiredToken = try await mint(Self.user, "expired", now: 1_000_000_000, expires: 1_000_000_060).token
        disabledToken = try await mint(Self.disabledUser, "frozen").token
        brokenPolicyToken = try await mint(Self.brokenUser, "broken").token
        let revoked = try await mint(Self.user, "revoked")
        revokedToken = revoked.token
        try await store.delete(id: revoked.info.id, ownedBy: .user(id: Self.user))
        foreignToken = try await mint(Self.user, "foreign", location: "elsewhere.test").token

        let parsed = try ServiceToken(parsing: accountToken)
        let macaroon = parsed.macaroon
        let forged = Macaroon(
            location: macaroon.location, identifier: macaroon.identifier, caveats: macaroon.caveats,
            signature: macaroon.addingFirstPartyCaveat("x".utf8).signature)
        forgedToken = try ServiceToken(prefix: "pypi", macaroon: forged).string
        thirdPartyToken = try ServiceToken(
            prefix: "pypi",
            macaroon: macaroon.addingThirdPartyCaveat(secret: MacaroonKey.generateSecret(), identifier: "tp-1".utf8, location: "https://third.test".utf8)
        ).string
        unknownCaveatToken = try ServiceToken(prefix: "pypi", macaroon: macaroon.addingFirstPartyCaveat("[99,[]]".utf8)).string

        var secrets = [kekHex]
        let tokens = [accountToken, projectToken, expiredToken, disabledToken, brokenPolicyToken, revokedToken, forgedToken,
                      foreignToken, thirdPartyToken, unknownCaveatToken]
        for token in tokens {
            let service = try ServiceToken(parsing: token)
            secrets.append(token)
            secrets.append(String(token.dropFirst("pypi-".count)))
            secrets.append(Self.basicCredentials(token))
            secrets.append(service.macaroon.signature.hexString)
            if let id = service.identifier, let record = try await store.token(id: id) {
                secrets.append(Self.hex(record.rootKey.signingKeyBytes))
            }
        }
        self.secrets = secrets
    }

    /// Removes the SQLite files, if any.
    public func removeFiles() {
        guard let directory else { return }
        for name in ["tokens.sqlite", "tokens.sqlite-wal", "tokens.sqlite-shm"] { unlink(directory + "/" + name) }
        rmdir(directory)
    }

    /// `base64("__token__:" + token)`, as twine sends it after `Basic `.
    public static func basicCredentials(_ token: String, username: String = "__token__") -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let bytes = Array("\(username):\(token)".utf8)
        var output: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = bytes[start..<min(start + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for index in 0..<4 {
                output.append(index <= chunk.count ? alphabet[Int((value >> (18 - 6 * UInt32(index))) & 0x3F)] : UInt8(ascii: "="))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Lowercase hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }

    /// The shared configuration over `store`.
    public func authentication(
        store: (any TokenStore)? = nil, logger: Logger, metrics: any MetricsFactory, usage: TokenUsageRecorder? = nil,
        tracer: any Tracer = NoOpTracer(), credentialsRequired: Bool = true
    ) -> TokenAuthentication {
        TokenAuthentication(
            verifier: verifier, store: store ?? self.store, owners: TestOwnerPolicy(), usage: usage,
            credentialsRequired: credentialsRequired, logger: logger, metricsFactory: metrics, tracer: tracer)
    }
}
#endif
