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
    ///
    /// Rendered when read (escaped, cut at 2 KiB), so that a server that only
    /// switches on ``code`` never pays for the prose.
    public var message: String { Printable.message(text) }
    /// The index of the caveat concerned among the first-party caveats of the
    /// root, then of each discharge in order, when a caveat is concerned.
    public let caveatIndex: Int?
    /// The decoding or signature error behind the denial, when there is one.
    public var underlying: MacaroonError? { underlyingBox?.error }
    /// The message as given, not yet escaped or capped: only ``message`` shows it.
    private let text: String
    /// Boxed, so that a reason (and a ``CaveatEvaluation``) stays small: only
    /// the rare reasons with an underlying error allocate.
    private let underlyingBox: UnderlyingError?

    /// Creates a reason. Characters in `message` that could act on a terminal
    /// or a log are escaped, and it is cut at 2 KiB (caveat messages echo
    /// input), whenever ``message`` or ``description`` is read.
    public init(_ code: Code, _ message: String, caveatIndex: Int? = nil, underlying: MacaroonError? = nil) {
        self.code = code
        self.text = message
        self.caveatIndex = caveatIndex
        self.underlyingBox = underlying.map(UnderlyingError.init)
    }

    /// Equal when code, caveat index, underlying error and message (as shown, compared as UTF-8 bytes) are.
    public static func == (lhs: DenialReason, rhs: DenialReason) -> Bool {
        lhs.code == rhs.code && lhs.caveatIndex == rhs.caveatIndex && lhs.underlying == rhs.underlying
            && UTF8Text.equal(lhs.message, rhs.message)
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        UTF8Text.hash(message, into: &hasher)
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
        DenialReason(code: code, text: text, caveatIndex: index, underlyingBox: underlyingBox)
    }

    /// A reason from the parts of another (the underlying error already boxed).
    private init(code: Code, text: String, caveatIndex: Int?, underlyingBox: UnderlyingError?) {
        self.code = code
        self.text = text
        self.caveatIndex = caveatIndex
        self.underlyingBox = underlyingBox
    }
}
