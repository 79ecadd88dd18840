/// A macaroon whose signature chain, and the chains of all its discharges,
/// verified against the root key.
///
/// Only ``Macaroon/verifySignature(key:discharges:limits:)`` creates one, so
/// code that takes a `VerifiedMacaroon` can never run a caveat predicate on a
/// macaroon whose signature did not verify.
public struct VerifiedMacaroon: Sendable {
    /// The root macaroon.
    public let root: Macaroon
    /// The discharges, each used exactly once, in the order they were presented.
    public let discharges: [Macaroon]

    /// Every first-party caveat of the root and of its discharges: the
    /// conditions that remain to be checked.
    public var firstPartyCaveats: FirstPartyCaveats { FirstPartyCaveats(root: root, discharges: discharges) }
}
