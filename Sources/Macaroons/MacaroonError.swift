package import _MacaroonInternals

/// The one error type of the `Macaroons` module: what was wrong, in which
/// field, and at which byte offset of the input where that is known.
///
/// Compare ``code`` to match a kind of failure; ``detail`` is prose for people
/// and may change between releases.
public struct MacaroonError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public let code: Code
    /// The field being decoded or checked, when there is one.
    public let field: Field?
    /// The byte offset in the input (after any base64 decoding, for binary formats) where decoding failed.
    public let offset: Int?
    /// A sentence for people saying what was wrong.
    public let detail: String

    /// Creates an error. Characters in `detail` that could act on a terminal
    /// or a log are escaped, and it is cut at 2 KiB (details echo input).
    public init(_ code: Code, field: Field? = nil, offset: Int? = nil, detail: String) {
        self.code = code
        self.field = field
        self.offset = offset
        self.detail = Printable.message(detail)
    }

    /// `code`, field, offset and detail on one line.
    public var description: String {
        var text = "\(code)"
        if let field { text += " in \(field.rawValue)" }
        if let offset { text += " at byte \(offset)" }
        return text + ": " + detail
    }

    /// A part of a macaroon that an error refers to.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        /// The format version (v2's leading byte, v2 JSON's `"v"`).
        case version
        /// The macaroon's location.
        case location
        /// The macaroon's identifier.
        case identifier
        /// The caveat list as a whole.
        case caveats
        /// A caveat's identifier (`cid`).
        case caveatIdentifier = "caveat identifier"
        /// A third-party caveat's verification id (`vid`).
        case verificationID = "verification id"
        /// A third-party caveat's location (`cl`).
        case caveatLocation = "caveat location"
        /// The signature.
        case signature
        /// A discharge macaroon.
        case discharge
    }

    /// The kinds of ``MacaroonError``, as static members (new kinds may be added).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The name of the code, e.g. `invalidBase64`.
        public var description: String { name }

        // Decoding
        /// The input is longer than ``MacaroonLimits/maxInputSize``.
        public static let inputTooLarge = Code("inputTooLarge")
        /// The input is empty.
        public static let emptyInput = Code("emptyInput")
        /// The input is none of v1, v2, v2 binary, v1 JSON or v2 JSON.
        public static let unknownFormat = Code("unknownFormat")
        /// A character outside the alphabet, mixed alphabets, bad padding, or non-zero spare bits.
        public static let invalidBase64 = Code("invalidBase64")
        /// The input ends inside a field.
        public static let truncated = Code("truncated")
        /// A varint that overflows or is not minimally encoded.
        public static let invalidVarint = Code("invalidVarint")
        /// A v2 field tag that is unknown, repeated or out of order, or a v1 packet key out of place.
        public static let unexpectedField = Code("unexpectedField")
        /// A required field is absent.
        public static let missingField = Code("missingField")
        /// A field longer than ``MacaroonLimits/maxFieldLength``.
        public static let fieldTooLong = Code("fieldTooLong")
        /// More caveats than ``MacaroonLimits/maxCaveats``.
        public static let tooManyCaveats = Code("tooManyCaveats")
        /// A signature that is not exactly 32 bytes.
        public static let invalidSignatureLength = Code("invalidSignatureLength")
        /// Bytes after the signature.
        public static let trailingBytes = Code("trailingBytes")
        /// A malformed v1 packet header or line.
        public static let invalidPacket = Code("invalidPacket")
        /// Malformed JSON, a wrong JSON type, an unknown or duplicate member, a field given both as text and as base64.
        public static let invalidJSON = Code("invalidJSON")
        /// A format version other than the one expected.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A first-party caveat carrying a location (only third-party caveats have one).
        public static let firstPartyCaveatWithLocation = Code("firstPartyCaveatWithLocation")
        /// A field that must be text is not valid UTF-8 (or cannot be written in this format).
        public static let notRepresentable = Code("notRepresentable")

        // Keys and verification
        /// A raw key that is not 32 bytes.
        public static let invalidKeyLength = Code("invalidKeyLength")
        /// The signature chain does not match: wrong key, or a tampered macaroon.
        public static let signatureMismatch = Code("signatureMismatch")
        /// A third-party caveat with no discharge macaroon for it.
        public static let missingDischarge = Code("missingDischarge")
        /// A discharge macaroon that no third-party caveat asked for, or two discharges for one caveat.
        public static let unusedDischarge = Code("unusedDischarge")
        /// A verification id that cannot be opened with the signature (tampered, or not 72 bytes).
        public static let invalidVerificationID = Code("invalidVerificationID")
        /// More discharges, or deeper nesting, than ``MacaroonLimits`` allows.
        public static let dischargeLimitExceeded = Code("dischargeLimitExceeded")
    }
}

extension MacaroonError {
    /// ``Code/invalidBase64`` for a base64 decoding failure, in `field`.
    package init(_ error: Base64Error, field: Field? = nil) {
        self.init(.invalidBase64, field: field, offset: error.offset, detail: error.detail)
    }
}
