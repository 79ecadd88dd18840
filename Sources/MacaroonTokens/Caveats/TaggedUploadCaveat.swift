import _MacaroonInternals

/// A caveat written as a JSON array `[tag, arguments...]`, which a server can
/// mint and register in a ``CaveatLanguage``.
///
/// To add a caveat type of your own (say, a release-version restriction),
/// conform to this protocol with an unused tag and register it with
/// ``CaveatLanguage/adding(_:)``; no change to the library is needed.
public protocol TaggedUploadCaveat: UploadCaveat {
    /// The tag, the first element of the JSON array.
    static var tag: Int { get }

    /// Decodes the arguments (the array elements after the tag), strictly:
    /// wrong types, wrong counts and empty lists throw.
    init(arguments: CaveatArguments) throws(CaveatError)

    /// The arguments to write after the tag.
    var arguments: [CaveatArgument] { get }
}

extension TaggedUploadCaveat {
    /// Kind `tag N`, the arguments as `argument 1`, `argument 2`, …
    public var details: CaveatDetails {
        CaveatDetails(kind: "tag \(Self.tag)", fields: arguments.enumerated().map { .init("argument \($0.offset + 1)", $0.element) })
    }

    /// The caveat's bytes: compact JSON `[tag,arguments...]`, exactly as Warehouse's
    /// `json.dumps(..., sort_keys=True, separators=(",", ":"))` writes them
    /// (non-ASCII characters escaped as `\uXXXX`).
    public var encoded: [UInt8] {
        // One array, sized once: minting and attenuation encode a caveat per call.
        let arguments = arguments
        var elements: [JSONValue] = []
        elements.reserveCapacity(1 + arguments.count)
        elements.append(.integer(Int64(Self.tag)))
        for argument in arguments { elements.append(argument.json) }
        return JSONWriter.write(.array(elements), asPython: true)
    }
}
