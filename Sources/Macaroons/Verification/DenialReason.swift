import _MacaroonInternals

/// Why a verifier denied a macaroon or a token: a code to switch on, a
/// sentence for the user, and the error behind it when there is one.
///
/// Compare ``code`` to match a kind of denial; ``message`` is prose for people
/// and may change between releases.
public struct DenialReason: Sendable, Hashable, CustomStringConvertible {
    /// The kind of reason.
    public let code: Code
    /// A sentence a user can act on. Attacker-controlled bytes in it are escaped and length-capped.
    public let message: String
    /// The index of the caveat concerned among the first-party caveats of the
    /// root, then of each discharge in order, when a caveat is concerned.
    public let caveatIndex: Int?
    /// The decoding or signature error behind the denial, when there is one.
    public var underlying: MacaroonError? { underlyingBox?.error }
    /// Boxed, so that a reason (and a ``CaveatEvaluation``) stays small: only
    /// the rare reasons with an underlying error allocate.
    private let underlyingBox: UnderlyingError?

    /// Creates a reason. Characters in `message` that could act on a terminal
    /// or a log are escaped, and it is cut at 2 KiB (caveat messages echo input).
    public init(_ code: Code, _ message: String, caveatIndex: Int? = nil, underlying: MacaroonError? = nil) {
        self.code = code
        self.message = Printable.message(message)
        self.caveatIndex = caveatIndex
        self.underlyingBox = underlying.map(UnderlyingError.init)
    }

    /// Equal when code, message, caveat index and underlying error are.
    public static func == (lhs: DenialReason, rhs: DenialReason) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.caveatIndex == rhs.caveatIndex && lhs.underlying == rhs.underlying
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(caveatIndex)
        hasher.combine(underlying)
    }

    private final class UnderlyingError: Sendable {
        let error: MacaroonError
        init(_ error: MacaroonError) { self.error = error }
    }

    /// The message.
    public var description: String { message }

    /// The kinds of ``DenialReason``, as static members (new kinds may be added,
    /// here and by the modules built on this one).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// A code named `name` (for the modules of this package that add codes).
        package init(_ name: String) { self.name = name }

        /// The name of the code, e.g. `invalidSignature`.
        public var description: String { name }

        /// The signature chain does not verify (wrong key, tampering, or a bad
        /// discharge); ``DenialReason/underlying`` says which. Ends verification.
        public static let invalidSignature = Code("invalidSignature")
        /// The macaroon's location is not the one the verifier requires. Ends verification.
        public static let wrongLocation = Code("wrongLocation")
        /// A third-party caveat at a location the verifier does not trust.
        public static let thirdPartyCaveatNotAccepted = Code("thirdPartyCaveatNotAccepted")
        /// A caveat cannot be read by the policy: malformed, unknown tag, wrong types.
        public static let invalidCaveat = Code("invalidCaveat")
        /// A caveat that the request does not satisfy.
        public static let caveatNotSatisfied = Code("caveatNotSatisfied")
    }
}

extension DenialReason {
    /// The reason for a signature-stage failure (`error` from
    /// ``Macaroon/verifySignature(key:discharges:limits:)``).
    @usableFromInline
    static func invalidSignature(_ error: MacaroonError) -> DenialReason {
        let message = error.code == .signatureMismatch && error.field == .signature ? "signatures do not match" : error.detail
        return DenialReason(.invalidSignature, message, underlying: error)
    }

    /// The reason for a location other than the one required.
    @usableFromInline
    static func wrongLocation(_ presented: ArraySlice<UInt8>, expected: [UInt8]) -> DenialReason {
        DenialReason(.wrongLocation, "token is for \(Printable.bytes(presented)), not \(Printable.bytes(expected[...]))")
    }

    /// This reason about the caveat at `index`.
    @usableFromInline
    func at(caveatIndex index: Int) -> DenialReason {
        DenialReason(code: code, message: message, caveatIndex: index, underlyingBox: underlyingBox)
    }

    /// A reason from parts already checked (the message already escaped).
    private init(code: Code, message: String, caveatIndex: Int?, underlyingBox: UnderlyingError?) {
        self.code = code
        self.message = message
        self.caveatIndex = caveatIndex
        self.underlyingBox = underlyingBox
    }
}
