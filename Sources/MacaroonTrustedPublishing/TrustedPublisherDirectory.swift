#if TrustedPublishing
/// Where a server keeps its trusted publishers (Warehouse: its publisher tables).
public protocol TrustedPublisherDirectory: Sendable {
    /// The GitHub publishers registered for the repository `owner/name`, with their projects.
    /// May return more (e.g. matched without case): the exchange compares exactly.
    ///
    /// - Throws: operational failures only (the server answers 503).
    func gitHubPublishers(repositoryOwner: String, repositoryName: String) async throws -> [GitHubPublisher]
}
#endif
