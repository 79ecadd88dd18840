public import Macaroons
import _MacaroonInternals

/// What a store keeps about a token, without its root key: what listings show.
public struct TokenInfo: Sendable, Hashable {
    /// The macaroon identifier: a random UUID in lowercase text.
    public let id: String
    /// Who the token belongs to: the identity it establishes.
    public let owner: TokenOwner
    /// The token's name (Warehouse's `description`), unique per owner.
    public let name: String
    /// When it was minted, Unix seconds.
    public let created: Int64
    /// When it was last used, Unix seconds (recorded in batches; may lag or miss a use).
    public let lastUsed: Int64?
    /// When it stops verifying, Unix seconds; `nil` for never. Expired rows are removed by ``TokenStore/purgeExpired(now:)``.
    public let expires: Int64?
    /// The caveats the server issued, as encoded (compact JSON `[tag,...]`), applied again at every verification.
    public let caveats: [[UInt8]]
    /// JSON text the server keeps with the token (e.g. OIDC claims), a JSON object.
    public let additional: String?
    /// The id of the key-encryption key its root key is sealed under; `nil` when stored unsealed.
    public let keyID: String?

    /// Creates the information of a token (stores do; servers read it).
    public init(
        id: String, owner: TokenOwner, name: String, created: Int64, lastUsed: Int64? = nil, expires: Int64? = nil,
        caveats: [[UInt8]] = [], additional: String? = nil, keyID: String? = nil
    ) {
        self.id = id
        self.owner = owner
        self.name = name
        self.created = created
        self.lastUsed = lastUsed
        self.expires = expires
        self.caveats = caveats
        self.additional = additional
        self.keyID = keyID
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
