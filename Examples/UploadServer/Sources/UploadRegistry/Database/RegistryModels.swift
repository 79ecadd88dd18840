/// A user of the registry: owns projects and tokens.
public struct RegistryUser: Sendable, Hashable, Codable {
    /// A random UUID: the owner id of the user's tokens.
    public let id: String
    /// The user name, unique.
    public let name: String
    /// When the user was added, Unix seconds.
    public let created: Int64
}

/// A project: a name (unique after PEP 503 normalization) and its owner.
public struct RegistryProject: Sendable, Hashable, Codable {
    /// A random UUID: what project-scoped tokens name in their id caveat.
    public let id: String
    /// The name as first uploaded.
    public let name: String
    /// The PEP 503 normalized name.
    public let normalizedName: String
    /// The owning user's id.
    public let ownerID: String
    /// When the project was created, Unix seconds.
    public let created: Int64
}

/// A release file, stored under the data directory.
public struct RegistryFile: Sendable, Hashable, Codable {
    /// The file name, unique in the registry (PyPI never reuses one).
    public let filename: String
    /// The project's id.
    public let projectID: String
    /// The release version the upload gave, PEP 440 normalized (as Warehouse records it).
    public let version: String
    /// The SHA-256 of the content, 64 lowercase hex digits.
    public let sha256: String
    /// The size in bytes.
    public let size: Int64
    /// When it was uploaded, Unix seconds.
    public let uploaded: Int64
    /// Its name under the project's folder in the data directory.
    public let storedName: String
}

/// Why a release file cannot be added to a project (Warehouse's 400s).
public enum FileConflict: Sendable, Hashable {
    /// A file with this name exists: file names are never reused.
    case filenameTaken
    /// The release already has its sdist: one per release.
    case sdistExists
}
