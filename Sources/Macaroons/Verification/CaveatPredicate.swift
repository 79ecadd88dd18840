/// A test that a first-party caveat may pass: one entry of ``CaveatPredicates``.
///
/// Like libmacaroons' `satisfy_exact` and `satisfy_general`: a caveat is
/// satisfied when it equals an exact predicate or a general predicate accepts it.
public struct CaveatPredicate: Sendable {
    enum Kind: Sendable {
        case exact(ArraySlice<UInt8>)
        case general(@Sendable (ArraySlice<UInt8>) -> Bool)
    }

    let kind: Kind

    /// Accepts exactly the caveat `bytes`.
    public static func exact(_ bytes: some Collection<UInt8>) -> CaveatPredicate {
        CaveatPredicate(kind: .exact(ArraySlice(bytes)))
    }

    /// Accepts exactly the caveat whose UTF-8 bytes are `text`.
    public static func exact(_ text: String) -> CaveatPredicate {
        .exact(text.utf8)
    }

    /// Accepts every caveat for which `test` returns `true`.
    public static func general(_ test: @escaping @Sendable (ArraySlice<UInt8>) -> Bool) -> CaveatPredicate {
        CaveatPredicate(kind: .general(test))
    }
}
