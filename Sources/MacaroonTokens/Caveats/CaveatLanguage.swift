public import Macaroons
import _MacaroonInternals

/// The set of caveats a verifier understands, and how to decode them.
///
/// Each caveat is a first-party caveat holding JSON: an array `[tag, ...]`
/// decoded by the type registered for the tag, or (with ``acceptsLegacyCaveats``)
/// one of the JSON objects PyPI wrote before 2022. Decoding is strict and
/// fails closed: a tag must be a JSON integer, unknown tags are errors, and so
/// are extra elements, extra object keys, wrong types and empty lists.
///
/// ```swift
/// struct ReleaseVersionCaveat: TaggedUploadCaveat { static let tag = 100; ... }
/// let language = CaveatLanguage.pypi.adding(ReleaseVersionCaveat.self)
/// ```
public struct CaveatLanguage: Sendable {
    /// The registered types in tag order. A language has a handful, so a scan finds
    /// one faster than hashing the tag would.
    private var types: [(tag: Int, type: any TaggedUploadCaveat.Type)] = []
    /// Whether the pre-2022 object caveats are understood. `true` for ``pypi``.
    public var acceptsLegacyCaveats: Bool
    /// The nesting limit for caveat JSON.
    public var maxJSONDepth: Int

    /// A language with no caveat types.
    public init(acceptsLegacyCaveats: Bool = false, maxJSONDepth: Int = MacaroonLimits.default.maxJSONDepth) {
        self.acceptsLegacyCaveats = acceptsLegacyCaveats
        self.maxJSONDepth = maxJSONDepth
    }

    /// PyPI's language: tags 0 to 4 and the legacy objects.
    public static let pypi = CaveatLanguage(acceptsLegacyCaveats: true)
        .adding(ExpirationCaveat.self)
        .adding(ProjectNamesCaveat.self)
        .adding(ProjectIDsCaveat.self)
        .adding(RequestUserCaveat.self)
        .adding(TrustedPublisherCaveat.self)

    /// The tags this language understands.
    public var tags: [Int] { types.map(\.tag) }

    /// This language plus a caveat type.
    ///
    /// Registering a tag twice is a programming error and traps.
    public func adding<Caveat: TaggedUploadCaveat>(_ type: Caveat.Type) -> CaveatLanguage {
        precondition(registeredType(tag: Caveat.tag) == nil, "caveat tag \(Caveat.tag) is already registered")
        var copy = self
        copy.types.insert((Caveat.tag, type), at: types.firstIndex { $0.tag > Caveat.tag } ?? types.endIndex)
        return copy
    }

    /// The type registered for `tag`.
    private func registeredType(tag: Int) -> (any TaggedUploadCaveat.Type)? {
        for entry in types where entry.tag == tag { return entry.type }
        return nil
    }

    /// Decodes one caveat (the bytes of a first-party caveat identifier).
    public func decode(_ bytes: ArraySlice<UInt8>) throws(CaveatError) -> any UploadCaveat {
        if bytes.first(where: { !Whitespace.contains($0) }) == UInt8(ascii: "[") {
            let tagged: (tag: JSONValue?, arguments: CaveatArguments)
            do {
                tagged = try CaveatArguments.read(bytes, maxDepth: maxJSONDepth)
            } catch {
                throw Self.notJSON(error)
            }
            guard let tagValue = tagged.tag else { throw CaveatError(.invalidShape, "caveat array cannot be empty") }
            guard case .integer(let tag) = tagValue else {
                throw CaveatError(.invalidShape, "caveat tag must be an integer, got \(JSONWriter.describe(tagValue))")
            }
            guard let type = registeredType(tag: Int(truncatingIfNeeded: tag)), Int64(Int(truncatingIfNeeded: tag)) == tag else {
                throw CaveatError(.unknownTag, "caveat has unknown tag: \(tag)")
            }
            do {
                return try type.init(arguments: tagged.arguments)
            } catch {
                throw CaveatError(error.code, "malformed caveat with tag \(tag): \(error.detail)", underlying: error.underlying)
            }
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: maxJSONDepth)
        } catch {
            throw Self.notJSON(error)
        }
        guard case .object(let object) = value, acceptsLegacyCaveats else {
            throw CaveatError(.invalidShape, "caveat must be an array, got \(value.typeName)")
        }
        do {
            return try Self.decodeLegacy(object)
        } catch {
            throw CaveatError(error.code, "malformed legacy caveat: \(error.detail)", underlying: error.underlying)
        }
    }

    private static func notJSON(_ error: JSONSyntaxError) -> CaveatError {
        CaveatError(
            .invalidJSON, "caveat is not valid JSON (byte \(error.offset): \(error.detail))",
            underlying: MacaroonError(.invalidJSON, field: .caveatIdentifier, offset: error.offset, detail: error.detail))
    }

    /// The pre-2022 caveats, each with exactly its keys.
    private static func decodeLegacy(_ object: JSONObject) throws(CaveatError) -> any UploadCaveat {
        let keys = Set(object.keys)
        if keys == ["version", "permissions"] {
            guard object["version"] == .integer(1) else {
                throw CaveatError(.invalidArguments, "version must be the integer 1, got \(object["version"].map(JSONWriter.describe) ?? "nothing")")
            }
            switch object["permissions"] {
            case .string(let permissions)? where UTF8Text.equal(permissions, "user"):
                // Bytes, not `String`'s `==`: a holder's caveat may hold any run of combining marks.
                return LegacyUserCaveat()
            case .object(let permissions)? where permissions.keys == ["projects"]:
                return try ProjectNamesCaveat(arguments: CaveatArguments([permissions["projects"] ?? .null]))
            default:
                throw CaveatError(.invalidArguments, "permissions must be \"user\" or {\"projects\":[...]}")
            }
        }
        if keys == ["exp", "nbf"] {
            return try ExpirationCaveat(arguments: CaveatArguments([object["exp"] ?? .null, object["nbf"] ?? .null]))
        }
        if keys == ["project_ids"] {
            return try ProjectIDsCaveat(arguments: CaveatArguments([object["project_ids"] ?? .null]))
        }
        throw CaveatError(.unknownTag, "unknown legacy caveat with keys \(object.keys.sorted())")
    }
}

extension CaveatLanguage {
    /// Whether `other` decodes every caveat as this language does: the same tags registered to
    /// the same types, the same legacy setting and the same nesting limit. (Caveats prepared by
    /// one language are evaluated for another only when it decodes alike.)
    package func decodesAlike(_ other: CaveatLanguage) -> Bool {
        guard acceptsLegacyCaveats == other.acceptsLegacyCaveats, maxJSONDepth == other.maxJSONDepth,
              types.count == other.types.count else { return false }
        return zip(types, other.types).allSatisfy { $0.tag == $1.tag && ObjectIdentifier($0.type) == ObjectIdentifier($1.type) }
    }
}

extension CaveatLanguage: CaveatPolicy {
    /// Decodes `caveat` and evaluates it against `request`. A caveat that
    /// cannot be decoded fails with `DenialReason.Code.invalidCaveat`.
    public func evaluate(_ caveat: ArraySlice<UInt8>, in request: UploadRequest) -> CaveatEvaluation {
        prepare(caveat).evaluate(request)
    }
}
