/// The failures of the registry's own database (users, projects, files).
///
/// ``unavailable`` and ``corrupt`` are operational (the server answers 503);
/// the others refuse the request.
public enum RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database cannot be reached or refused the operation.
    case unavailable(String)
    /// The stored data cannot be read, or the schema is newer than this program.
    case corrupt(String)
    /// A row with this unique name already exists.
    case duplicate(String)
    /// Something named does not exist.
    case notFound(String)
    /// A value is not acceptable.
    case invalid(String)

    /// Whether the server should answer 503 (never a verdict).
    public var isOperational: Bool {
        switch self {
        case .unavailable, .corrupt: true
        case .duplicate, .notFound, .invalid: false
        }
    }

    /// A sentence for people.
    public var description: String {
        switch self {
        case .unavailable(let detail): "registry database unavailable: \(detail)"
        case .corrupt(let detail): "registry database corrupt: \(detail)"
        case .duplicate(let detail), .notFound(let detail), .invalid(let detail): detail
        }
    }
}
