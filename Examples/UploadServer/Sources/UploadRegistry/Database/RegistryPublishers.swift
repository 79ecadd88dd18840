import Foundation
import MacaroonTokens
import MacaroonTrustedPublishing

/// GitHub Actions trusted publishers: Warehouse's `github_oidc_publishers` and
/// its publisher-project association, in the registry's tables.
extension RegistryDatabase {
    private static let publisherColumns: [SQLColumn] = [
        .text("id"), .text("repository_owner"), .text("repository_name"), .text("repository_owner_id"),
        .text("workflow_filename"), .text("environment"),
    ]

    /// Registers the workflow as a trusted publisher of the existing project `projectName`
    /// (one publisher row per workflow and environment, shared by its projects).
    public func addGitHubPublisher(
        projectName: String, repositoryOwner: String, repositoryName: String, repositoryOwnerID: String, workflowFilename: String,
        environment: String
    ) async throws(RegistryError) -> GitHubPublisher {
        for (name, value) in [("owner", repositoryOwner), ("repository", repositoryName), ("owner id", repositoryOwnerID), ("workflow", workflowFilename)] {
            guard (1...255).contains(value.utf8.count), !value.contains("/") else {
                throw .invalid("the \(name) must be 1 to 255 bytes without '/'")
            }
        }
        // Only a name the exchange can read back out of a job_workflow_ref can ever match.
        guard GitHubPublisher.workflowFilename(in: workflowFilename + "@ref") == workflowFilename else {
            throw .invalid("the workflow must be a file name ending in .yml or .yaml, e.g. release.yml")
        }
        guard environment.utf8.count <= 255 else { throw .invalid("the environment must be at most 255 bytes") }
        guard let project = try await project(named: projectName) else {
            throw .notFound("no project '\(Self.printable(projectName))': a publisher is added to an existing project")
        }
        let environment = environment.lowercased()
        try await executor.execute(
            """
            INSERT INTO registry_github_publishers
                (id, repository_owner, repository_name, repository_owner_id, workflow_filename, environment, created)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (repository_owner, repository_name, workflow_filename, environment) DO NOTHING
            """,
            [.text(UUID().uuidString.lowercased()), .text(repositoryOwner), .text(repositoryName), .text(repositoryOwnerID),
             .text(workflowFilename), .text(environment), .integer(Clock.now())])
        let rows = try await executor.query(
            """
            SELECT id, repository_owner, repository_name, repository_owner_id, workflow_filename, environment
            FROM registry_github_publishers
            WHERE repository_owner = $1 AND repository_name = $2 AND workflow_filename = $3 AND environment = $4
            """,
            [.text(repositoryOwner), .text(repositoryName), .text(workflowFilename), .text(environment)], columns: Self.publisherColumns)
        guard let row = rows.first else { throw .unavailable("the publisher vanished after it was added") }
        let id = try row.text("id")
        guard try row.text("repository_owner_id") == repositoryOwnerID else {
            throw .duplicate("this workflow is registered with another owner id")
        }
        try await executor.execute(
            "INSERT INTO registry_publisher_projects (publisher_id, project_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [.text(id), .text(project.id)])
        guard let publisher = try await gitHubPublisher(id: id) else { throw .unavailable("the publisher vanished after it was added") }
        return publisher
    }

    /// The publishers registered for `owner/name` (exact names), with their projects.
    public func gitHubPublishers(repositoryOwner: String, repositoryName: String) async throws(RegistryError) -> [GitHubPublisher] {
        let rows = try await executor.query(
            """
            SELECT id, repository_owner, repository_name, repository_owner_id, workflow_filename, environment
            FROM registry_github_publishers WHERE repository_owner = $1 AND repository_name = $2 ORDER BY id
            """,
            [.text(repositoryOwner), .text(repositoryName)], columns: Self.publisherColumns)
        var publishers: [GitHubPublisher] = []
        for row in rows { publishers.append(try await publisher(row)) }
        return publishers
    }

    /// The publisher with this id, with its projects.
    public func gitHubPublisher(id: String) async throws(RegistryError) -> GitHubPublisher? {
        let rows = try await executor.query(
            """
            SELECT id, repository_owner, repository_name, repository_owner_id, workflow_filename, environment
            FROM registry_github_publishers WHERE id = $1
            """,
            [.text(id)], columns: Self.publisherColumns)
        guard let row = rows.first else { return nil }
        return try await publisher(row)
    }

    /// Every publisher, by repository.
    public func gitHubPublishers() async throws(RegistryError) -> [GitHubPublisher] {
        let rows = try await executor.query(
            """
            SELECT id, repository_owner, repository_name, repository_owner_id, workflow_filename, environment
            FROM registry_github_publishers ORDER BY repository_owner, repository_name, workflow_filename, environment
            """,
            [], columns: Self.publisherColumns)
        var publishers: [GitHubPublisher] = []
        for row in rows { publishers.append(try await publisher(row)) }
        return publishers
    }

    private func publisher(_ row: SQLRow) async throws(RegistryError) -> GitHubPublisher {
        let id = try row.text("id")
        let projects = try await executor.query(
            "SELECT project_id FROM registry_publisher_projects WHERE publisher_id = $1 ORDER BY project_id", [.text(id)],
            columns: [.text("project_id")])
        var projectIDs: [String] = []
        for project in projects { projectIDs.append(try project.text("project_id")) }
        return GitHubPublisher(
            id: id, repositoryOwner: try row.text("repository_owner"), repositoryName: try row.text("repository_name"),
            repositoryOwnerID: try row.text("repository_owner_id"), workflowFilename: try row.text("workflow_filename"),
            environment: try row.text("environment"), projectIDs: projectIDs)
    }
}

/// The registry's publishers for the trusted-publishing exchange.
struct RegistryPublisherDirectory: TrustedPublisherDirectory {
    let registry: RegistryDatabase

    func gitHubPublishers(repositoryOwner: String, repositoryName: String) async throws -> [GitHubPublisher] {
        try await registry.gitHubPublishers(repositoryOwner: repositoryOwner, repositoryName: repositoryName)
    }
}
