/// What a server asks a ``TokenStore`` to mint.
///
/// The minted token also carries, as its first caveat, the owner's caveat
/// (``RequestUserCaveat`` or ``TrustedPublisherCaveat``, as Warehouse writes),
/// then ``caveats``, then an ``ExpirationCaveat`` when ``expires`` is set (the
/// order of Warehouse's trusted-publishing tokens). All of them are stored too
/// and applied again at verification.
public struct NewToken: Sendable {
    /// The owner: the identity the token will establish.
    public var owner: TokenOwner
    /// The token's name, unique per owner: 1 to 255 bytes of UTF-8.
    public var name: String
    /// Further restrictions (e.g. ``ProjectNamesCaveat``).
    public var caveats: [any TaggedUploadCaveat]
    /// When the token stops verifying, Unix seconds (after the minting time); `nil` for never.
    public var expires: Int64?
    /// JSON object text to keep with the token (at most 64 KiB), e.g. OIDC claims.
    public var additional: String?
    /// The service prefix, e.g. `pypi`.
    public var prefix: String
    /// The macaroon's location, e.g. `pypi.org`.
    public var location: String

    /// Describes a token to mint.
    public init(
        owner: TokenOwner, name: String, caveats: [any TaggedUploadCaveat] = [], expires: Int64? = nil,
        additional: String? = nil, prefix: String = "pypi", location: String
    ) {
        self.owner = owner
        self.name = name
        self.caveats = caveats
        self.expires = expires
        self.additional = additional
        self.prefix = prefix
        self.location = location
    }
}

/// A token just minted and stored: its text, shown to its owner once, and what was stored.
public struct MintedStoredToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token's text: a secret, to hand to its owner and never store or log.
    public let token: String
    /// What the store kept (without the key).
    public let info: TokenInfo

    /// A minted token.
    public init(token: String, info: TokenInfo) {
        self.token = token
        self.info = info
    }

    /// The id and owner; never the token.
    public var description: String { "MintedStoredToken(id: \(info.id), owner: \(info.owner), token: <redacted>)" }
    /// The id and owner; never the token.
    public var debugDescription: String { description }
    /// The information only; never the token.
    public var customMirror: Mirror { Mirror(self, children: ["token": "<redacted>", "info": info], displayStyle: .struct) }
}
