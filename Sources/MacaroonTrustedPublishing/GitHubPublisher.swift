#if TrustedPublishing
/// A GitHub Actions workflow registered as the trusted publisher of projects:
/// Warehouse's `GitHubPublisher`.
///
/// Owner and repository names are stored as GitHub spells them; the
/// environment is stored lowercased (`""` for any environment).
public struct GitHubPublisher: Sendable, Hashable {
    /// The publisher id: the token owner `.trustedPublisher(id:)`.
    public let id: String
    /// The repository's owner (user or organization), e.g. `pypa`.
    public let repositoryOwner: String
    /// The repository's name, e.g. `sampleproject`.
    public let repositoryName: String
    /// GitHub's numeric id of the owner, as a string: survives renames, unlike the name.
    public let repositoryOwnerID: String
    /// The workflow's file name under `.github/workflows/`, e.g. `release.yml`.
    public let workflowFilename: String
    /// The GitHub environment the job must run in, lowercased; `""` for any.
    public let environment: String
    /// The ids of the projects it may publish.
    public let projectIDs: [String]

    /// A publisher; `environment` is lowercased.
    public init(
        id: String, repositoryOwner: String, repositoryName: String, repositoryOwnerID: String, workflowFilename: String,
        environment: String = "", projectIDs: [String]
    ) {
        self.id = id
        self.repositoryOwner = repositoryOwner
        self.repositoryName = repositoryName
        self.repositoryOwnerID = repositoryOwnerID
        self.workflowFilename = workflowFilename
        self.environment = environment.lowercased()
        self.projectIDs = projectIDs
    }

    /// `owner/name`.
    public var repository: String { repositoryOwner + "/" + repositoryName }
    /// `owner/name/.github/workflows/file`: the `job_workflow_ref` claim before its `@ref`.
    public var jobWorkflowRef: String { repository + "/.github/workflows/" + workflowFilename }
    /// `repo:owner/name`: the start of the `sub` claim.
    public var sub: String { "repo:" + repository }

    /// The claims a GitHub ID token must carry (besides the registered ones).
    static let requiredClaims = ["sub", "repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "ref", "sha"]

    /// Checks the claims against this publisher as Warehouse's `verify_claims` does,
    /// in its order and with its messages.
    public func verifyClaims(_ claims: IDTokenClaims) throws(PublisherMismatch) {
        for name in Self.requiredClaims where claims[name] == nil {
            throw PublisherMismatch("Missing claim '\(name)'")
        }
        let sub = claims["sub"]!, repository = claims["repository"]!
        // sub: repo:OWNER/NAME[:more], compared without case on its first two components.
        let components = sub.split(separator: ":", omittingEmptySubsequences: false)
        guard components.count >= 2, !components[0].isEmpty, !components[1].isEmpty,
              ClaimText.equalIgnoringCase(components[0] + ":" + components[1], self.sub)
        else { throw PublisherMismatch("Check failed for required claim 'sub'") }
        // GitHub repository names are case-insensitive.
        guard !repository.isEmpty, ClaimText.equalIgnoringCase(repository, self.repository) else {
            throw PublisherMismatch("Check failed for required claim 'repository'")
        }
        guard ClaimText.equal(claims["repository_owner"]!, repositoryOwner) else {
            throw PublisherMismatch("Check failed for required claim 'repository_owner'")
        }
        guard ClaimText.equal(claims["repository_owner_id"]!, repositoryOwnerID) else {
            throw PublisherMismatch("Check failed for required claim 'repository_owner_id'")
        }
        try checkJobWorkflowRef(claims)
        // environment: any when none is configured; otherwise present and equal without case.
        if !environment.isEmpty {
            guard let claimed = claims["environment"], !claimed.isEmpty, ClaimText.equalIgnoringCase(claimed, environment) else {
                throw PublisherMismatch("Check failed for optional claim 'environment'")
            }
        }
    }

    /// `job_workflow_ref` must be exactly `jobWorkflowRef@ref` or `jobWorkflowRef@sha` (case-sensitive).
    private func checkJobWorkflowRef(_ claims: IDTokenClaims) throws(PublisherMismatch) {
        let claimed = claims["job_workflow_ref"]!
        guard !claimed.isEmpty else { throw PublisherMismatch("The job_workflow_ref claim is empty") }
        let refs = [claims["ref"], claims["sha"]].compactMap { $0 }.filter { !$0.isEmpty }
        guard !refs.isEmpty else { throw PublisherMismatch("The ref and sha claims are empty") }
        let expected = Set(refs.map { jobWorkflowRef + "@" + $0 })
        guard expected.contains(where: { ClaimText.equal($0, claimed) }) else {
            let list = expected.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { "'" + Printable.capped($0, limit: 200) + "'" }.joined(separator: ", ")
            throw PublisherMismatch(
                "The job_workflow_ref claim does not match, expecting one of [\(list)], got '\(Printable.capped(claimed, limit: 200))'")
        }
    }

    /// Finds the publisher for the claims among `candidates` (those registered for the
    /// claimed repository) with Warehouse's two lookup strategies: first one with the
    /// claimed environment, then one with none; the owner, name and owner id exactly
    /// equal, and the workflow file name a prefix of the claimed workflow path. Then
    /// verifies the claims against it.
    public static func find(for claims: IDTokenClaims, among candidates: [GitHubPublisher]) throws(PublisherMismatch) -> GitHubPublisher {
        for name in ["repository", "repository_owner_id", "job_workflow_ref"] where claims[name] == nil {
            throw PublisherMismatch("Missing claim '\(name)'")
        }
        let repository = claims["repository"]!
        guard let slash = repository.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            throw PublisherMismatch("All lookup strategies exhausted")
        }
        let owner = String(repository[..<slash]), name = String(repository[repository.index(after: slash)...])
        let jobWorkflowRef = claims["job_workflow_ref"]!
        let workflowPrefix = repository + "/.github/workflows/"
        let workflowRef = jobWorkflowRef.utf8.starts(with: workflowPrefix.utf8)
            ? String(decoding: jobWorkflowRef.utf8.dropFirst(workflowPrefix.utf8.count), as: UTF8.self) : jobWorkflowRef
        let ownerID = claims["repository_owner_id"]!
        let base = candidates.filter {
            ClaimText.equal($0.repositoryName, name) && ClaimText.equal($0.repositoryOwner, owner)
                && ClaimText.equal($0.repositoryOwnerID, ownerID) && workflowRef.utf8.starts(with: $0.workflowFilename.utf8)
        }
        var strategies: [String] = []
        if let environment = claims["environment"], !environment.isEmpty { strategies.append(environment.lowercased()) }
        strategies.append("")
        for environment in strategies {
            let found = base.filter { ClaimText.equal($0.environment, environment) }
            // Warehouse's unique constraint leaves one; with prefixes of each other, prefer the exact file.
            guard let publisher = found.first(where: { workflowRef.utf8.starts(with: ($0.workflowFilename + "@").utf8) }) ?? found.first
            else { continue }
            try publisher.verifyClaims(claims)
            return publisher
        }
        throw PublisherMismatch("All lookup strategies exhausted")
    }
}

/// Why no publisher matched an ID token: Warehouse's sentence, shown to the client
/// as `valid token, but no corresponding publisher (<message>)`.
public struct PublisherMismatch: Error, Sendable, Hashable, CustomStringConvertible {
    /// The sentence.
    public let message: String

    /// A mismatch.
    public init(_ message: String) {
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}

/// Comparisons of claim text as bytes (never Unicode-equivalence of `String`).
enum ClaimText {
    static func equal(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    static func equalIgnoringCase(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        a.lowercased().utf8.elementsEqual(b.lowercased().utf8)
    }
}
#endif
