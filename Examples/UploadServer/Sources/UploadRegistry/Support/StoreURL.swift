import Foundation

/// Where the registry keeps its tokens, users, projects and files' records:
/// `sqlite:PATH` (one file; the default is `DATA/registry.sqlite`) or
/// `postgres://user[:password]@host[:port]/database` (shared by many instances).
public enum StoreURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(host: String, port: Int, user: String, password: String?, database: String)

    /// Parses a store URL.
    public init(parsing text: String) throws(RegistryError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .invalid("a sqlite store URL is sqlite:PATH") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
              let components = URLComponents(string: text),
              let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty
        else {
            throw .invalid("a store URL is sqlite:PATH or postgres://user[:password]@host[:port]/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalid("a postgres store URL names its database: postgres://user@host[:port]/database")
        }
        self = .postgres(
            host: host, port: components.port ?? 5432, user: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database)
    }

    /// The URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let host, let port, let user, let password, let database):
            "postgres://\(user)\(password == nil ? "" : ":<redacted>")@\(host):\(port)/\(database)"
        }
    }
}
