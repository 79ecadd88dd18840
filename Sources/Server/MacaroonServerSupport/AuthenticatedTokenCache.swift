#if Hummingbird || Vapor
import Macaroons
import MacaroonTokens

/// The tokens a ``TokenAuthentication`` authenticated recently, by the SHA-256 fingerprint of
/// their text, so that a token presented again is neither parsed, nor its signature chain
/// walked, nor its caveats decoded again.
///
/// Only what depends on the token's bytes alone is remembered. Each request still looks the
/// record up in the store and asks the owner policy, and the remembered token is used only
/// when the record holds the same root key (`AuthenticatedStoredToken.revalidated(with:ownerStatus:)`):
/// revocation, a changed owner and the stored caveats count exactly as without the cache.
/// Every caveat is still evaluated against each request.
///
/// Bounded: at most ``capacity`` tokens of at most ``maximumTokenLength`` bytes and
/// ``maximumCaveatCount`` caveats each, none with a caveat that cannot be decoded (a holder
/// can append caveats to a token without limit, and decoded caveats take far more memory than
/// their bytes: a 1 KiB token of 200 empty caveats held about 90 KB decoded); when full, it is
/// emptied. An entry holds what an authenticated token holds (the parsed macaroon, its
/// signature included, and the record with its root key), as the stores' lookup caches hold
/// records: secrets of the process's memory, never printed.
final class AuthenticatedTokenCache: Sendable {
    /// A remembered token and the identifier it was looked up by.
    struct Entry: Sendable {
        let identifier: String
        let token: AuthenticatedStoredToken
    }

    /// The most tokens kept.
    let capacity: Int
    /// The longest token text kept, in bytes.
    static let maximumTokenLength = 1024
    /// The most first-party caveats a kept token may carry (issued tokens carry a handful).
    static let maximumCaveatCount = 16
    private let entries = Locked<[SecretFingerprint: Entry]>([:])

    /// A cache of at most `capacity` tokens.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The fingerprint to remember `text` by, or `nil` when it is too long to be remembered.
    func fingerprint(of text: Substring) -> SecretFingerprint? {
        text.utf8.count <= Self.maximumTokenLength ? SecretFingerprint(of: text) : nil
    }

    /// The token remembered under `fingerprint`.
    func entry(for fingerprint: SecretFingerprint) -> Entry? {
        entries.withLock { $0[fingerprint] }
    }

    /// Remembers an authenticated token.
    func insert(_ entry: Entry, for fingerprint: SecretFingerprint) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[fingerprint] == nil { entries.removeAll(keepingCapacity: true) }
            entries[fingerprint] = entry
        }
    }

    /// Forgets the token remembered under `fingerprint`.
    func remove(_ fingerprint: SecretFingerprint) {
        _ = entries.withLock { $0.removeValue(forKey: fingerprint) }
    }

    /// The number of tokens remembered (for tests).
    var count: Int { entries.withLock { $0.count } }
}
#endif
