#if TrustedPublishing || LeakReports
/// How a cache of fetched public keys (an OIDC issuer's JWKS, a leak reporter's keys)
/// fetches and keeps them.
public struct KeyCachePolicy: Sendable {
    /// The shortest time between two fetches of one source, seconds: a flood of unknown
    /// key ids makes at most one fetch per floor.
    public var refreshFloor: Int64
    /// Keys older than this are fetched again before use, seconds.
    public var maxAge: Int64
    /// The longest document accepted, bytes.
    public var maxDocumentBytes: Int

    /// A policy; the defaults are Warehouse's one-minute floor, an hour's age and 256 KiB.
    public init(refreshFloor: Int64 = 60, maxAge: Int64 = 3600, maxDocumentBytes: Int = 256 * 1024) {
        self.refreshFloor = refreshFloor
        self.maxAge = maxAge
        self.maxDocumentBytes = maxDocumentBytes
    }
}
#endif
