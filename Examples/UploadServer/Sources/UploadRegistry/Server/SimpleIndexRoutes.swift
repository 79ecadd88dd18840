import Hummingbird
import MacaroonTokens

/// PEP 503's simple repository API, `GET /simple/` and `GET /simple/<project>/`
/// (normalized names; other spellings redirect), and the files it links to,
/// `GET /files/<project>/<file name>`, each link with its `#sha256=` fragment.
struct SimpleIndexRoutes: RegistryRouteGroup {
    let context: RegistryServerContext

    func addRoutes(to router: Router<RegistryRequestContext>) {
        router.get("simple") { _, _ in try await index() }
        router.get("simple/:project") { _, requestContext in
            try await projectPage(requestContext.parameters.require("project"))
        }
        router.get("files/:project/:filename") { _, requestContext in
            try await download(
                project: requestContext.parameters.require("project"), filename: requestContext.parameters.require("filename"),
                requestContext)
        }
    }

    func index() async throws -> Response {
        let projects = try await context.operational { try await context.store.registry.projects() }
        var html = page(title: "Simple index")
        for project in projects {
            html += "<a href=\"/simple/\(project.normalizedName)/\">\(escape(project.name))</a><br/>\n"
        }
        return htmlResponse(html + "</body></html>\n")
    }

    func projectPage(_ name: String) async throws -> Response {
        let normalized = UploadRequest.Project(name: name).normalizedName
        guard RegistryDatabase.isValidProjectName(name),
              let project = try await context.operational({ try await context.store.registry.project(named: name) })
        else {
            throw HTTPError(.notFound)
        }
        guard name == normalized else {
            return Response(status: .movedPermanently, headers: [.location: "/simple/\(normalized)/"])
        }
        let files = try await context.operational { try await context.store.registry.files(ofProject: project.id) }
        var html = page(title: "Links for \(escape(project.name))")
        for file in files {
            html += "<a href=\"/files/\(project.normalizedName)/\(file.filename)#sha256=\(file.sha256)\">\(file.filename)</a><br/>\n"
        }
        return htmlResponse(html + "</body></html>\n")
    }

    func download(project name: String, filename: String, _ requestContext: RegistryRequestContext) async throws -> Response {
        guard RegistryDatabase.isValidProjectName(name), RegistryDatabase.isValidFilename(filename),
              let project = try await context.operational({ try await context.store.registry.project(named: name) }),
              let file = try await context.operational({ try await context.store.registry.file(named: filename) }),
              file.projectID == project.id
        else {
            throw HTTPError(.notFound)
        }
        let body = try await FileIO().loadFile(
            path: context.storage.path(project: project.normalizedName, storedName: file.storedName), context: requestContext)
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", .contentLength: "\(file.size)"],
            body: body)
    }

    private func page(title: String) -> String {
        """
        <!DOCTYPE html>
        <html><head><meta name="pypi:repository-version" content="1.0"><title>\(title)</title></head>
        <body><h1>\(title)</h1>

        """
    }

    private func htmlResponse(_ html: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    private func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            default: output.append(character)
            }
        }
        return output
    }
}
