import _MacaroonInternals
import Macaroons

/// The error type of every ``TokenStore``: an operational failure (the server
/// answers 503 and retries later) or a refusal of the request itself.
///
/// Compare ``code``; ``detail`` is prose for people and never contains a token,
/// a key or a secret.
public struct TokenStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public let code: Code
    /// A sentence for people saying what was wrong.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Whether this is an operational failure (database down, corrupt, misconfigured keys):
    /// never a verdict; a server answers 503.
    public var isOperational: Bool { code.isOperational }

    /// `code: detail`.
    public var description: String { "\(code): \(detail)" }

    /// The owner has no token `id` (escaped and capped: the id may come from a request).
    package static func notFound(id: String, owner: TokenOwner) -> TokenStoreError {
        TokenStoreError(.notFound, detail: "\(owner) has no token \(Printable.bytes(ArraySlice(id.utf8)))")
    }

    /// The owner already has a token named `name` (escaped and capped).
    package static func duplicateName(_ name: String, owner: TokenOwner) -> TokenStoreError {
        TokenStoreError(.duplicateName, detail: "\(owner) already has a token named \(Printable.bytes(ArraySlice(name.utf8)))")
    }

    /// The kinds of ``TokenStoreError``, as static members (new kinds may be added).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// Whether errors of this kind are operational failures.
        public let isOperational: Bool

        private init(_ name: String, operational: Bool) {
            self.name = name
            self.isOperational = operational
        }

        /// The name of the code, e.g. `duplicateName`.
        public var description: String { name }

        // Refusals of the request (not operational).
        /// The owner already has a token with this name.
        public static let duplicateName = Code("duplicateName", operational: false)
        /// No token with this id belongs to this owner (whether or not it exists).
        public static let notFound = Code("notFound", operational: false)
        /// An argument is not acceptable: an empty or overlong name, `additional` that is not a JSON object, an invalid caveat.
        public static let invalidArgument = Code("invalidArgument", operational: false)

        // Operational failures.
        /// The database cannot be reached, timed out, or refused the operation.
        public static let unavailable = Code("unavailable", operational: true)
        /// The stored data cannot be read: a corrupt file or row, or a schema newer than this library.
        public static let corrupt = Code("corrupt", operational: true)
        /// A root key is sealed under a key-encryption key that is not configured, or does not open with it.
        public static let keyUnavailable = Code("keyUnavailable", operational: true)
    }
}
