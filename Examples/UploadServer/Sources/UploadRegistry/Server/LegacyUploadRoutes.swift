import Hummingbird
import MacaroonHummingbird
import Logging
import MacaroonTokens
import NIOPosix

/// Warehouse's legacy upload API, `POST /legacy/`, as twine and uv use it:
/// token → owner → project ownership (a new project is created for its first
/// uploader) → caveats against the project → every digest sent (MD5, SHA-256, BLAKE2b-256) → file stored → record.
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
        guard let version = form.field("version"), (1...100).contains(version.utf8.count),
              version.utf8.allSatisfy({ (0x21..<0x7f).contains($0) })
        else {
            throw UploadFailure(.badRequest, "Invalid value for version. Error: a valid version is required.")
        }
        guard let content = form.file("content"), let filename = content.filename else {
            throw UploadFailure(.badRequest, "Invalid value for content. Error: upload payload does not have a file.")
        }
        guard RegistryDatabase.isValidFilename(filename) else {
            throw UploadFailure(.badRequest, "Invalid file name '\(RegistryDatabase.printable(filename))'.")
        }
        // Before any project is looked up or created: the file must be named for the project named in the form.
        guard let release = ReleaseFilename(filename) else {
            throw UploadFailure(.badRequest, "Invalid file name '\(filename)': a wheel (.whl) or an sdist (.tar.gz, .zip) is required.")
        }
        let normalizedName = UploadRequest.Project(name: name).normalizedName
        guard release.isNamed(normalizedName) else {
            throw UploadFailure(
                .badRequest, "Filename '\(filename)' should contain the normalized project name '\(normalizedName)', not '\(release.name)'.")
        }

        let registry = context.store.registry
        let existing = try await context.operational { try await registry.project(named: name) }
        // A trusted publisher's token is verified only for its projects, which exist.
        let owner = try context.authorizedOwner(
            requestContext, project: UploadRequest.Project(name: existing?.name ?? name, id: existing?.id))
        let userID = owner.id
        let project: RegistryProject
        if let existing {
            project = existing
        } else if case .trustedPublisher = owner {
            throw UploadFailure(.forbidden, "Trusted publishers upload only to their existing projects.")
        } else {
            project = try await context.operational { try await registry.projectCreatingIfNeeded(named: name, ownerID: userID) }
            if project.ownerID == userID, project.name == name {
                context.logger.info("project created", metadata: ["project": "\(project.normalizedName)", "owner": "\(userID)"])
            }
        }
        guard project.ownerID == userID || owner.publisherID != nil else {
            let user = try await context.operational { try await registry.user(id: userID) }
            throw UploadFailure(
                .forbidden,
                "The user '\(user?.name ?? userID)' isn't allowed to upload to project '\(project.name)'. "
                    + "See /help/#project-name for more information.")
        }

        let digests = UploadDigests(of: content.body)
        let checkedDigests = try digests.check(form)

        let exists = UploadFailure(
            .badRequest, "File already exists ('\(filename)'). See /help/#file-name-reuse for more information.")
        guard try await context.operational({ try await registry.file(named: filename) }) == nil else { throw exists }
        let storage = context.storage
        let bytes = content.body
        let storedName = try await NIOThreadPool.singleton.runIfActive {
            try storage.store(bytes, project: project.normalizedName, filename: filename)
        }
        let file = RegistryFile(
            filename: filename, projectID: project.id, version: version, sha256: digests.sha256, size: Int64(bytes.readableBytes),
            uploaded: Clock.now(), storedName: storedName)
        do {
            try await registry.addFile(file, uploaderID: userID)
        } catch {
            storage.remove(project: project.normalizedName, storedName: storedName)
            if case RegistryError.duplicate = error { throw exists }
            throw context.failure(error)
        }
        context.logger.info(
            "file uploaded",
            metadata: [
                "project": "\(project.normalizedName)", "file": "\(filename)", "size": "\(file.size)",
                "digests": "\(checkedDigests.joined(separator: ","))",
            ])
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "OK\n")))
    }
}
