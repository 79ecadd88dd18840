import Hummingbird
import MacaroonHummingbird
import Logging
import MacaroonTokens
import NIOPosix

/// Warehouse's legacy upload API, `POST /legacy/`, as twine and uv use it:
/// form → version (PEP 440) and file name → token → owner → caveats against the project →
/// ownership → every digest sent (MD5, SHA-256, BLAKE2b-256) → file name and the release's one
/// sdist → file stored → one transaction that creates the project for its first uploader,
/// checks ownership, the file name and the sdist again, and records the file: a refused
/// upload leaves no project and no file behind.
struct LegacyUploadRoutes: RegistryRouteGroup {
    let context: RegistryServerContext

    func addRoutes(to router: Router<RegistryRequestContext>) {
        // The token is authenticated before the body is read; its caveats are checked once the project is known.
        router.group("legacy").add(middleware: context.authenticator).post { request, requestContext in
            try await upload(request, requestContext)
        }
    }

    func upload(_ request: Request, _ requestContext: RegistryRequestContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.configuration.maximumUploadBytes)
        } catch {
            throw UploadFailure(.contentTooLarge, "File too large. Limit is \(context.configuration.maximumUploadBytes) bytes.")
        }
        let form = try MultipartForm(contentType: request.headers[.contentType], body: body)
        guard form.field(":action") == "file_upload" else {
            throw UploadFailure(.badRequest, "Invalid request: ':action' must be 'file_upload'.")
        }
        if let protocolVersion = form.field("protocol_version"), protocolVersion != "1" {
            throw UploadFailure(.badRequest, "Unknown protocol version.")
        }
        guard let name = form.field("name"), RegistryDatabase.isValidProjectName(name) else {
            throw UploadFailure(.badRequest, "Invalid value for name. Error: a valid project name is required.")
        }
        let version = try Self.formVersion(form.field("version"))
        guard let content = form.file("content"), let filename = content.filename else {
            throw UploadFailure(.badRequest, "Invalid value for content. Error: upload payload does not have a file.")
        }
        guard RegistryDatabase.isValidFilename(filename) else {
            throw UploadFailure(.badRequest, "Invalid file name '\(RegistryDatabase.printable(filename))'.")
        }
        // Before any project is looked up or created: the file must be named for the project and version in the form.
        guard let release = ReleaseFilename(filename) else {
            throw UploadFailure(.badRequest, "Invalid file name '\(filename)': a wheel (.whl) or an sdist (.tar.gz, .zip) is required.")
        }
        let normalizedName = UploadRequest.Project(name: name).normalizedName
        guard release.isNamed(normalizedName) else {
            throw UploadFailure(
                .badRequest, "Filename '\(filename)' should contain the normalized project name '\(normalizedName)', not '\(release.name)'.")
        }
        let sdistRelease = try release.checkVersion(against: version, normalizedName: normalizedName, filename: filename)

        let registry = context.store.registry
        let existing = try await context.operational { try await registry.project(named: name) }
        // A trusted publisher's token is verified only for its projects, which exist.
        let owner = try context.authorizedOwner(
            requestContext, project: UploadRequest.Project(name: existing?.name ?? name, id: existing?.id))
        if existing == nil, owner.publisherID != nil { throw Self.publisherNeedsProject }
        // What can be refused before the file is written is refused before; the transaction checks it again.
        if let existing {
            do {
                try await Self.requireUploader(owner, of: existing, in: registry)
            } catch let error as RegistryError {
                throw context.failure(error)
            }
        }
        let digests = UploadDigests(of: content.body)
        let checkedDigests = try digests.check(form)
        if let conflict = try await context.operational({
            try await registry.fileConflict(filename: filename, projectID: existing?.id, sdistRelease: sdistRelease)
        }) {
            throw Self.refusal(conflict, filename: filename)
        }

        let storage = context.storage
        let bytes = content.body
        // A file that cannot be written (a full disk, say) is an outage of this server (503), not a verdict.
        let storedName: String
        do {
            storedName = try await NIOThreadPool.singleton.runIfActive { try storage.store(bytes, project: normalizedName, filename: filename) }
        } catch {
            context.logger.error("release file not stored", metadata: ["project": "\(normalizedName)", "error": "\(error)"])
            throw UploadFailure(.serviceUnavailable, "Service Unavailable: the release file cannot be stored; retry later.")
        }
        let uploaded = Clock.now()
        let project: RegistryProject
        do {
            project = try await registry.transaction { registry in
                let project: RegistryProject
                if owner.publisherID != nil {
                    guard let found = try await registry.project(named: name) else { throw Self.publisherNeedsProject }
                    project = found
                } else {
                    project = try await registry.projectCreatingIfNeeded(named: name, ownerID: owner.id)
                }
                try await Self.requireUploader(owner, of: project, in: registry)
                if let conflict = try await registry.fileConflict(filename: filename, projectID: project.id, sdistRelease: sdistRelease) {
                    throw Self.refusal(conflict, filename: filename)
                }
                let file = RegistryFile(
                    filename: filename, projectID: project.id, version: version.description, sha256: digests.sha256,
                    size: Int64(bytes.readableBytes), uploaded: uploaded, storedName: storedName)
                try await registry.addFile(file, sdistRelease: sdistRelease, uploaderID: owner.id)
                return project
            }
        } catch {
            // A refusal undid the transaction: the bytes go too. After a database failure the outcome is unknown
            // (a transaction cut off at the deadline may still commit), so the bytes stay: a record never names a
            // missing file, at worst an unrecorded file is left in the data directory.
            let refused = error is UploadFailure || (error as? RegistryError)?.isOperational == false
            if refused { storage.remove(project: normalizedName, storedName: storedName) }
            throw await failure(error, name: name, filename: filename, sdistRelease: sdistRelease)
        }
        if existing == nil {
            context.logger.info("project created", metadata: ["project": "\(project.normalizedName)", "owner": "\(owner.id)"])
        }
        context.logger.info(
            "file uploaded",
            metadata: [
                "project": "\(project.normalizedName)", "file": "\(filename)", "size": "\(bytes.readableBytes)",
                "digests": "\(checkedDigests.joined(separator: ","))",
            ])
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "OK\n")))
    }

    /// The form's `version`, as Warehouse's metadata checks read it: a PEP 440 version without a local part.
    static func formVersion(_ text: String?) throws(UploadFailure) -> PackageVersion {
        let help = " See https://packaging.python.org/specifications/core-metadata for more information."
        guard let text, !text.isEmpty else { throw UploadFailure(.badRequest, "'version' is a required field." + help) }
        guard let version = PackageVersion(text) else {
            throw UploadFailure(.badRequest, "'\(RegistryDatabase.printable(text))' is invalid for 'version'." + help)
        }
        guard !version.isLocal else {
            throw UploadFailure(.badRequest, "The use of local versions in <Version('\(version)')> is not allowed." + help)
        }
        return version
    }

    static let publisherNeedsProject = UploadFailure(.forbidden, "Trusted publishers upload only to their existing projects.")

    /// Refuses (``UploadFailure`` 403) an owner that may not upload to `project`: a user other than
    /// its owner. A trusted publisher's token was verified for its projects.
    ///
    /// - Throws: ``UploadFailure``, or ``RegistryError`` when the user's name cannot be read.
    static func requireUploader(_ owner: TokenOwner, of project: RegistryProject, in registry: RegistryDatabase) async throws {
        guard project.ownerID != owner.id, owner.publisherID == nil else { return }
        let user = try await registry.user(id: owner.id)
        throw UploadFailure(
            .forbidden,
            "The user '\(user?.name ?? owner.id)' isn't allowed to upload to project '\(project.name)'. "
                + "See /help/#project-name for more information.")
    }

    /// Warehouse's 400 for a file that cannot be added.
    static func refusal(_ conflict: FileConflict, filename: String) -> UploadFailure {
        switch conflict {
        case .filenameTaken:
            UploadFailure(.badRequest, "File already exists ('\(filename)'). See /help/#file-name-reuse for more information.")
        case .sdistExists:
            UploadFailure(.badRequest, "Only one sdist may be uploaded per release.")
        }
    }

    /// The answer to a failed transaction: its refusal; for a unique violation (an upload that won a race
    /// between the checks and the insert), the conflict as it now stands; else a 503.
    private func failure(_ error: any Error, name: String, filename: String, sdistRelease: String?) async -> UploadFailure {
        switch error {
        case let error as UploadFailure:
            return error
        case RegistryError.duplicate:
            let registry = context.store.registry
            let project = try? await registry.project(named: name)
            let conflict = try? await registry.fileConflict(filename: filename, projectID: project?.id, sdistRelease: sdistRelease)
            return Self.refusal(conflict ?? .filenameTaken, filename: filename)
        case let error as RegistryError:
            return context.failure(error)
        default:
            return context.failure(.unavailable("\(error)"))
        }
    }
}
