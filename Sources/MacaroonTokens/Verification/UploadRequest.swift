#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import _MacaroonInternals

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

// Equality and hashing compare strings as UTF-8 bytes, as verification does: a
// project name comes from the uploader, and `String`'s own `==` and hashing call
// NFC and NFD (or `K` and the KELVIN SIGN) equal, in time quadratic in a run of
// combining marks. A cache of verdicts keyed by requests must not mix them up.

extension UploadRequest {
    /// Equal when every field is, strings compared as UTF-8 bytes.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.project == rhs.project && lhs.identity == rhs.identity && lhs.now == rhs.now
            && UTF8Text.equal(lhs.attributes, rhs.attributes)
    }

    /// Hashes every field, strings as UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(project)
        hasher.combine(identity)
        hasher.combine(now)
        UTF8Text.hash(attributes, into: &hasher)
    }
}

extension UploadRequest.Project {
    /// Equal when the names and ids are the same UTF-8 bytes.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard UTF8Text.equal(lhs.name, rhs.name) else { return false }
        switch (lhs.id, rhs.id) {
        case (nil, nil): return true
        case (let left?, let right?): return UTF8Text.equal(left, right)
        default: return false
        }
    }

    /// Hashes the name and id as UTF-8 bytes (the normalized name follows from the name).
    public func hash(into hasher: inout Hasher) {
        UTF8Text.hash(name, into: &hasher)
        hasher.combine(id != nil)
        if let id { UTF8Text.hash(id, into: &hasher) }
    }
}

extension UploadRequest.Identity {
    /// Equal when of the same kind with the same ids, as UTF-8 bytes.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.user(let left), .user(let right)):
            UTF8Text.equal(left, right)
        case (.trustedPublisher(let left, let leftProjects), .trustedPublisher(let right, let rightProjects)):
            UTF8Text.equal(left, right) && UTF8Text.equal(leftProjects, rightProjects)
        default:
            false
        }
    }

    /// Hashes the kind and the ids as UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .user(let id):
            hasher.combine(0)
            UTF8Text.hash(id, into: &hasher)
        case .trustedPublisher(let id, let projectIDs):
            hasher.combine(1)
            UTF8Text.hash(id, into: &hasher)
            UTF8Text.hash(projectIDs, into: &hasher)
        }
    }
}
