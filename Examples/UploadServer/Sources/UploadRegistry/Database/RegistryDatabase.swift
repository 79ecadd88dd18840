import Foundation
import MacaroonTokens

/// Users, projects and release files: the registry's own data, in the same
/// database as its tokens (SQLite or PostgreSQL), behind one set of statements.
public struct RegistryDatabase: Sendable {
    let executor: any SQLExecutor

    init(executor: any SQLExecutor) {
        self.executor = executor
    }

    /// Runs `body` on this database in one transaction: what it changes is kept only if it
    /// returns; when it throws, nothing it did remains and its error passes through.
    ///
    /// - Throws: what `body` throws; ``RegistryError`` when the transaction cannot begin or commit.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (RegistryDatabase) async throws -> T) async throws -> T {
        try await executor.transaction { statements in try await body(RegistryDatabase(executor: statements)) }
    }

    // MARK: Users

    private static let userColumns: [SQLColumn] = [.text("id"), .text("name"), .integer("created")]

    /// Adds a user. Names are 1 to 100 of `A-Z a-z 0-9 . _ -`.
    ///
    /// - Throws: ``RegistryError/duplicate(_:)`` when the name is taken.
    public func addUser(name: String) async throws(RegistryError) -> RegistryUser {
        guard Self.isValidName(name) else {
            throw .invalid("a user name is 1 to 100 of A-Z a-z 0-9 . _ -")
        }
        let user = RegistryUser(id: UUID().uuidString.lowercased(), name: name, created: Clock.now())
        do {
            try await executor.execute(
                "INSERT INTO registry_users (id, name, created) VALUES ($1, $2, $3)",
                [.text(user.id), .text(user.name), .integer(user.created)])
        } catch .duplicate {
            throw .duplicate("the user '\(name)' exists")
        }
        return user
    }

    /// The user with this name.
    public func user(named name: String) async throws(RegistryError) -> RegistryUser? {
        try await executor.query(
            "SELECT id, name, created FROM registry_users WHERE name = $1", [.text(name)], columns: Self.userColumns
        ).first.map(Self.user)
    }

    /// The user with this id.
    public func user(id: String) async throws(RegistryError) -> RegistryUser? {
        try await executor.query(
            "SELECT id, name, created FROM registry_users WHERE id = $1", [.text(id)], columns: Self.userColumns
        ).first.map(Self.user)
    }

    /// Every user, by name.
    public func users() async throws(RegistryError) -> [RegistryUser] {
        try await executor.query("SELECT id, name, created FROM registry_users ORDER BY name", [], columns: Self.userColumns)
            .map(Self.user)
    }

    private static func user(_ row: SQLRow) throws(RegistryError) -> RegistryUser {
        RegistryUser(id: try row.text("id"), name: try row.text("name"), created: try row.integer("created"))
    }

    // MARK: Projects

    private static let projectColumns: [SQLColumn] = [
        .text("id"), .text("name"), .text("normalized_name"), .text("owner_id"), .integer("created"),
    ]

    /// The project with this name (compared after PEP 503 normalization).
    public func project(named name: String) async throws(RegistryError) -> RegistryProject? {
        try await executor.query(
            "SELECT id, name, normalized_name, owner_id, created FROM registry_projects WHERE normalized_name = $1",
            [.text(UploadRequest.Project(name: name).normalizedName)], columns: Self.projectColumns
        ).first.map(Self.project)
    }

    /// Every project, by normalized name.
    public func projects() async throws(RegistryError) -> [RegistryProject] {
        try await executor.query(
            "SELECT id, name, normalized_name, owner_id, created FROM registry_projects ORDER BY normalized_name", [],
            columns: Self.projectColumns
        ).map(Self.project)
    }

    /// The project with this name, created and owned by `ownerID` if it does not exist yet
    /// (a first upload creates its project). Two uploaders racing get the same project.
    public func projectCreatingIfNeeded(named name: String, ownerID: String) async throws(RegistryError) -> RegistryProject {
        guard Self.isValidProjectName(name) else {
            throw .invalid("'\(Self.printable(name))' is not a valid project name")
        }
        let candidate = RegistryProject(
            id: UUID().uuidString.lowercased(), name: name, normalizedName: UploadRequest.Project(name: name).normalizedName, ownerID: ownerID,
            created: Clock.now())
        try await executor.execute(
            """
            INSERT INTO registry_projects (id, name, normalized_name, owner_id, created) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (normalized_name) DO NOTHING
            """,
            [.text(candidate.id), .text(candidate.name), .text(candidate.normalizedName), .text(ownerID), .integer(candidate.created)])
        guard let project = try await project(named: name) else {
            throw .unavailable("the project '\(candidate.normalizedName)' vanished after it was created")
        }
        return project
    }

    private static func project(_ row: SQLRow) throws(RegistryError) -> RegistryProject {
        RegistryProject(
            id: try row.text("id"), name: try row.text("name"), normalizedName: try row.text("normalized_name"),
            ownerID: try row.text("owner_id"), created: try row.integer("created"))
    }

    // MARK: Files

    private static let fileColumns: [SQLColumn] = [
        .text("filename"), .text("project_id"), .text("version"), .text("sha256"), .integer("size"), .integer("uploaded"),
        .text("stored_name"),
    ]

    /// The file with this name.
    public func file(named filename: String) async throws(RegistryError) -> RegistryFile? {
        try await executor.query(
            "SELECT filename, project_id, version, sha256, size, uploaded, stored_name FROM registry_files WHERE filename = $1",
            [.text(filename)], columns: Self.fileColumns
        ).first.map(Self.file)
    }

    /// A project's files, by name.
    public func files(ofProject projectID: String) async throws(RegistryError) -> [RegistryFile] {
        try await executor.query(
            "SELECT filename, project_id, version, sha256, size, uploaded, stored_name FROM registry_files WHERE project_id = $1 ORDER BY filename",
            [.text(projectID)], columns: Self.fileColumns
        ).map(Self.file)
    }

    /// Why a file named `filename` cannot be added to the project `projectID` (`nil`: a project
    /// not created yet), or `nil` when it can: its name is taken, or, for an sdist (`sdistRelease`:
    /// its release's canonical version), the release has its sdist.
    public func fileConflict(filename: String, projectID: String?, sdistRelease: String?) async throws(RegistryError) -> FileConflict? {
        if try await file(named: filename) != nil { return .filenameTaken }
        guard let projectID, let sdistRelease else { return nil }
        let sdists = try await executor.query(
            "SELECT filename FROM registry_files WHERE project_id = $1 AND sdist_release = $2", [.text(projectID), .text(sdistRelease)],
            columns: [.text("filename")])
        return sdists.isEmpty ? nil : .sdistExists
    }

    /// Records an uploaded file; `sdistRelease` is its release's canonical version for an sdist, `nil` for a wheel.
    ///
    /// - Throws: ``RegistryError/duplicate(_:)`` when a file with this name exists, or the release has
    ///   its sdist (``fileConflict(filename:projectID:sdistRelease:)`` tells which).
    public func addFile(_ file: RegistryFile, sdistRelease: String?, uploaderID: String) async throws(RegistryError) {
        do {
            try await executor.execute(
                """
                INSERT INTO registry_files (filename, project_id, version, sha256, size, uploaded, stored_name, uploader_id, sdist_release)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [.text(file.filename), .text(file.projectID), .text(file.version), .text(file.sha256), .integer(file.size),
                 .integer(file.uploaded), .text(file.storedName), .text(uploaderID), sdistRelease.map(SQLValue.text) ?? .null])
        } catch .duplicate {
            throw .duplicate("File already exists ('\(file.filename)')")
        }
    }

    private static func file(_ row: SQLRow) throws(RegistryError) -> RegistryFile {
        RegistryFile(
            filename: try row.text("filename"), projectID: try row.text("project_id"), version: try row.text("version"),
            sha256: try row.text("sha256"), size: try row.integer("size"), uploaded: try row.integer("uploaded"),
            storedName: try row.text("stored_name"))
    }

    // MARK: Names

    /// User names: 1 to 100 of `A-Z a-z 0-9 . _ -`.
    static func isValidName(_ name: String) -> Bool {
        (1...100).contains(name.utf8.count) && name.utf8.allSatisfy(isNameByte)
    }

    /// Project names as PEP 508 allows them: ASCII letters and digits, with `. _ -` inside; at most 100 bytes.
    static func isValidProjectName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...100).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        return bytes.allSatisfy(isNameByte) && isAlphanumeric(first) && isAlphanumeric(last)
    }

    /// Release file names: 1 to 255 bytes of `A-Z a-z 0-9 . _ - +`, not starting with a dot.
    static func isValidFilename(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...255).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { isNameByte($0) || $0 == UInt8(ascii: "+") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// Attacker text for a message: printable ASCII only, at most 100 characters.
    static func printable(_ text: String) -> String {
        let bytes = text.utf8.prefix(100).map { (0x20..<0x7f).contains($0) && $0 != UInt8(ascii: "'") ? Character(UnicodeScalar($0)) : "?" }
        return String(bytes) + (text.utf8.count > 100 ? "…" : "")
    }
}
