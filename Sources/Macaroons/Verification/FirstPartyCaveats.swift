/// The first-party caveat identifiers of a root macaroon and its discharges, in order (no copies).
public struct FirstPartyCaveats: Sequence, Sendable {
    let root: Macaroon
    let discharges: [Macaroon]

    /// The caveats of `root` and `discharges`, whose signatures verified.
    @usableFromInline
    init(root: Macaroon, discharges: [Macaroon]) {
        self.root = root
        self.discharges = discharges
    }

    /// Iterates the root's caveats, then each discharge's.
    public struct Iterator: IteratorProtocol {
        fileprivate let discharges: [Macaroon]
        fileprivate var caveats: [Caveat]
        fileprivate var nextDischarge = 0
        fileprivate var caveatIndex = 0

        /// The next first-party caveat identifier, or `nil` after the last discharge's.
        public mutating func next() -> ArraySlice<UInt8>? {
            while true {
                while caveatIndex < caveats.count {
                    caveatIndex += 1
                    if case .firstParty(let identifier) = caveats[caveatIndex - 1] { return identifier }
                }
                guard nextDischarge < discharges.count else { return nil }
                caveats = discharges[nextDischarge].caveats
                nextDischarge += 1
                caveatIndex = 0
            }
        }
    }

    /// An iterator starting at the root's first caveat.
    public func makeIterator() -> Iterator { Iterator(discharges: discharges, caveats: root.caveats) }
}
