#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The request a token is presented with: what is being uploaded, by whom, and when.
public struct UploadRequest: Sendable, Hashable {
    /// The project being uploaded to, if the request has one.
    public var project: Project?
    /// Who makes the request.
    public var identity: Identity?
    /// The current time in Unix seconds (injectable for tests).
    public var now: Int64
    /// Further facts for server-defined caveats (e.g. `"version": "1.2.0"`).
    public var attributes: [String: String]

    /// Creates a request; `now` defaults to the system clock.
    public init(
        project: Project? = nil, identity: Identity? = nil,
        now: Int64 = UploadRequest.currentTime(), attributes: [String: String] = [:]
    ) {
        self.project = project
        self.identity = identity
        self.now = now
        self.attributes = attributes
    }

    /// The system clock in Unix seconds.
    public static func currentTime() -> Int64 {
        Int64(time(nil))
    }

    /// A project, by name and id.
    public struct Project: Sendable, Hashable {
        /// The name as the request gives it.
        public let name: String
        /// The PEP 503 normalized name, computed once.
        public let normalizedName: String
        /// The project's id (PyPI: a UUID, as text).
        public let id: String?

        /// A project; `name` is normalized here (PEP 503).
        public init(name: String, id: String? = nil) {
            self.name = name
            self.normalizedName = ProjectName.normalize(name)
            self.id = id
        }
    }

    /// Who makes a request.
    public enum Identity: Sendable, Hashable {
        /// A user, by id.
        case user(id: String)
        /// A trusted publisher (PyPI: an OIDC publisher), by id, with the ids of the projects it may publish.
        case trustedPublisher(id: String, projectIDs: Set<String>)
    }
}
