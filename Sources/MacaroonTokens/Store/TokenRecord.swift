public import Macaroons
import _MacaroonInternals

/// What a store keeps about a token, without its root key: what listings show.
///
/// A value with one reference inside: verifications, verdicts and caches pass it around
/// many times per request, and a copy costs one retain rather than one per field.
public struct TokenInfo: Sendable, Hashable, CustomReflectable {
    /// The macaroon identifier: a random UUID in lowercase text.
    public var id: String { storage.fields.id }
    /// Who the token belongs to: the identity it establishes.
    public var owner: TokenOwner { storage.fields.owner }
    /// The token's name (Warehouse's `description`), unique per owner.
    public var name: String { storage.fields.name }
    /// When it was minted, Unix seconds.
    public var created: Int64 { storage.fields.created }
    /// When it was last used, Unix seconds (recorded in batches; may lag or miss a use).
    public var lastUsed: Int64? { storage.fields.lastUsed }
    /// When it stops verifying, Unix seconds; `nil` for never. Expired rows are removed by ``TokenStore/purgeExpired(now:)``.
    public var expires: Int64? { storage.fields.expires }
    /// The caveats the server issued, as encoded (compact JSON `[tag,...]`), applied again at every verification.
    public var caveats: [[UInt8]] { storage.fields.caveats }
    /// JSON text the server keeps with the token (e.g. OIDC claims), a JSON object.
    public var additional: String? { storage.fields.additional }
    /// The id of the key-encryption key its root key is sealed under; `nil` when stored unsealed.
    public var keyID: String? { storage.fields.keyID }

    /// The fields, compared and hashed as synthesized (the text fields as Swift strings).
    private struct Fields: Sendable, Hashable {
        let id: String
        let owner: TokenOwner
        let name: String
        let created: Int64
        let lastUsed: Int64?
        let expires: Int64?
        let caveats: [[UInt8]]
        let additional: String?
        let keyID: String?
    }

    private final class Storage: Sendable {
        let fields: Fields

        init(_ fields: Fields) {
            self.fields = fields
        }
    }

    private let storage: Storage

    /// Creates the information of a token (stores do; servers read it).
    public init(
        id: String, owner: TokenOwner, name: String, created: Int64, lastUsed: Int64? = nil, expires: Int64? = nil,
        caveats: [[UInt8]] = [], additional: String? = nil, keyID: String? = nil
    ) {
        storage = Storage(Fields(
            id: id, owner: owner, name: name, created: created, lastUsed: lastUsed, expires: expires,
            caveats: caveats, additional: additional, keyID: keyID))
    }

    /// Field by field.
    public static func == (lhs: TokenInfo, rhs: TokenInfo) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Every field, as `==` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// The fields, as a memberwise struct would show them.
    public var customMirror: Mirror {
        Mirror(self, children: Mirror(reflecting: storage.fields).children, displayStyle: .struct)
    }
}

/// A stored token with its root key, as a lookup by identifier returns it for verification.
///
/// The key never appears in descriptions or mirrors.
@dynamicMemberLookup
public struct TokenRecord: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Everything but the key.
    public let info: TokenInfo
    /// The root (signing) key the token's chain starts from.
    public let rootKey: MacaroonKey

    /// A record.
    public init(info: TokenInfo, rootKey: MacaroonKey) {
        self.info = info
        self.rootKey = rootKey
    }

    /// The fields of ``info``: `record.owner`, `record.caveats`, ….
    public subscript<Value>(dynamicMember keyPath: KeyPath<TokenInfo, Value>) -> Value {
        info[keyPath: keyPath]
    }

    /// The id and owner; never the key.
    public var description: String { "TokenRecord(id: \(info.id), owner: \(info.owner), rootKey: <redacted>)" }
    /// The id and owner; never the key.
    public var debugDescription: String { description }
    /// The information only; never the key.
    public var customMirror: Mirror { Mirror(self, children: ["info": info, "rootKey": "<redacted>"], displayStyle: .struct) }
}
