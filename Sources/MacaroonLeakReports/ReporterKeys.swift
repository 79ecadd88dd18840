#if LeakReports
import Crypto
import Foundation
import MacaroonHTTPFetch

/// The public keys a secret-scanning reporter signs its reports with, fetched
/// from its keys URL (GitHub: `https://api.github.com/meta/public_keys/secret_scanning`)
/// in GitHub's shape, `{"public_keys": [{"key_identifier", "key" (PEM), "is_current"}]}`,
/// and cached.
///
/// The cache lives ``KeyCachePolicy/maxAge`` (Warehouse: 30 minutes); an unknown key
/// id fetches again, at most once per ``KeyCachePolicy/refreshFloor`` (see ``defaultPolicy``).
public actor ReporterKeys {
    /// How keys are fetched and kept; ``KeyCachePolicy/maxAge`` is how long fetched keys are used.
    public typealias Policy = KeyCachePolicy

    /// GitHub's keys URL for secret-scanning partners.
    public static let gitHubURL = "https://api.github.com/meta/public_keys/secret_scanning"

    /// Where the keys are.
    public let url: String
    private let fetcher: any DocumentFetcher
    private let policy: Policy
    private var keys: [String: P256.Signing.PublicKey] = [:]
    private var fetchedAt: Int64 = .min
    private var lastAttempt: Int64 = .min
    private var refreshing: Task<Result<[String: P256.Signing.PublicKey], any Error>, Never>?

    /// The default policy: keys used 30 minutes (Warehouse's time), and an unknown key id
    /// fetches again at most every 10 minutes. GitHub's keys URL is on api.github.com, which
    /// answers 60 unauthenticated requests an hour: with a one-minute floor, a stream of
    /// made-up key ids would spend that budget, the regular refetches would fail, and
    /// GitHub's own reports would be refused once the cached keys grew too old.
    public static let defaultPolicy = Policy(refreshFloor: 10 * 60, maxAge: 30 * 60)

    /// Keys fetched from `url` with `fetcher`.
    public init(url: String = ReporterKeys.gitHubURL, fetcher: any DocumentFetcher, policy: Policy = ReporterKeys.defaultPolicy) {
        self.url = url
        self.fetcher = fetcher
        self.policy = policy
    }

    /// The key with this identifier, or `nil` when the reporter has no such key.
    ///
    /// - Throws: ``DocumentFetchError`` when the keys are needed and cannot be fetched
    ///   (an operational failure: answer 503 so that the reporter retries).
    public func key(id: String, now: Int64) async throws -> P256.Signing.PublicKey? {
        let fresh = fetchedAt != .min && now - fetchedAt < policy.maxAge
        if fresh, let key = keys[id] { return key }
        // Stale keys, or an unknown id: fetch, unless we did within the floor.
        if refreshing != nil || lastAttempt == .min || now - lastAttempt >= policy.refreshFloor {
            try await refresh(now: now)
        }
        return keys[id]
    }

    /// Fetches the keys; callers arriving meanwhile await the same fetch.
    private func refresh(now: Int64) async throws {
        let task: Task<Result<[String: P256.Signing.PublicKey], any Error>, Never>
        if let running = refreshing {
            task = running
        } else {
            lastAttempt = now
            let (url, fetcher, maxBytes) = (self.url, self.fetcher, policy.maxDocumentBytes)
            task = Task {
                do {
                    return .success(try Self.parse(try await fetcher.fetch(url, maxBytes: maxBytes), url: url))
                } catch {
                    return .failure(error)
                }
            }
            refreshing = task
        }
        let result = await task.value
        if refreshing == task { refreshing = nil }
        switch result {
        case .success(let fetched):
            keys = fetched
            fetchedAt = now
        case .failure(let error):
            // Keep serving the keys we have, if any are still fresh enough to trust.
            if keys.isEmpty || now - fetchedAt >= policy.maxAge * 2 { throw error }
        }
    }

    private struct Document: Decodable {
        /// One entry, read leniently: an entry with fields missing or of other types is
        /// skipped rather than spoiling the whole document.
        struct Key: Decodable {
            let identifier: String?
            let pem: String?

            enum CodingKeys: String, CodingKey {
                case identifier = "key_identifier"
                case pem = "key"
            }

            init(from decoder: any Decoder) throws {
                let container = try? decoder.container(keyedBy: CodingKeys.self)
                identifier = try? container?.decode(String.self, forKey: .identifier)
                pem = try? container?.decode(String.self, forKey: .pem)
            }
        }
        let public_keys: [Key]
    }

    /// The P-256 keys of a keys document, by identifier (other kinds of key are skipped).
    static func parse(_ bytes: [UInt8], url: String) throws -> [String: P256.Signing.PublicKey] {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            throw DocumentFetchError("the keys at \(url) are not in the public_keys shape")
        }
        var keys: [String: P256.Signing.PublicKey] = [:]
        for entry in document.public_keys {
            // The first key of an identifier counts.
            guard let identifier = entry.identifier, !identifier.isEmpty, keys[identifier] == nil, let pem = entry.pem,
                  let key = try? P256.Signing.PublicKey(pemRepresentation: pem)
            else { continue }
            keys[identifier] = key
        }
        guard !keys.isEmpty else { throw DocumentFetchError("the keys at \(url) hold no P-256 public key") }
        return keys
    }
}
#endif
