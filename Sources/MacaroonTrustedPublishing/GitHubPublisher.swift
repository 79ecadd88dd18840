#if TrustedPublishing
import _MacaroonInternals

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
    static let requiredClaims = ["sub", "repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "jti", "ref", "sha"]

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
                .map { Printable.text($0, limit: 200) }.joined(separator: ", ")
            throw PublisherMismatch(
                "The job_workflow_ref claim does not match, expecting one of [\(list)], got \(Printable.text(claimed, limit: 200))")
        }
    }

    /// Finds the publisher for the claims among `candidates` (those registered for the
    /// claimed repository) as Warehouse's `lookup_by_claims` does, then verifies the
    /// claims against it: the required claims present; the workflow file name taken
    /// from `job_workflow_ref` (``workflowFilename(in:)``); among the publishers with
    /// exactly the claimed owner, name, owner id and that file name, the one of the
    /// claimed environment (lowercased), else the one without an environment.
    public static func find(for claims: IDTokenClaims, among candidates: [GitHubPublisher]) throws(PublisherMismatch) -> GitHubPublisher {
        for name in requiredClaims where claims[name] == nil {
            throw PublisherMismatch("Missing claim '\(name)'")
        }
        let notFound = PublisherMismatch("Publisher with matching claims was not found")
        let repository = claims["repository"]!
        guard let slash = repository.utf8.firstIndex(of: UInt8(ascii: "/")) else { throw notFound }
        let owner = repository[..<slash], name = repository[repository.utf8.index(after: slash)...]
        guard let filename = workflowFilename(in: claims["job_workflow_ref"]!) else {
            throw PublisherMismatch("Could not job extract workflow filename from OIDC claims")
        }
        let ownerID = claims["repository_owner_id"]!
        let matching = candidates.filter {
            ClaimText.equal($0.repositoryName, name) && ClaimText.equal($0.repositoryOwner, owner)
                && ClaimText.equal($0.repositoryOwnerID, ownerID) && ClaimText.equal($0.workflowFilename, filename)
        }
        var publisher: GitHubPublisher?
        if let environment = claims["environment"], !environment.isEmpty {
            publisher = matching.first { ClaimText.equal($0.environment, environment.lowercased()) }
        }
        guard let publisher = publisher ?? matching.first(where: { $0.environment.isEmpty }) else { throw notFound }
        try publisher.verifyClaims(claims)
        return publisher
    }

    /// The workflow file name in a `job_workflow_ref` (`OWNER/REPO/.github/workflows/FILE@REF`),
    /// as Warehouse's `_extract_workflow_filename` finds it: the first match of
    /// `[^/]+\.(yml|yaml)(?=@)`, so the longest run of non-`/` bytes ending in `.yml` or
    /// `.yaml` right before an `@`, in the first `/`-separated segment that has one.
    /// A file name may hold `@` (`a@b.yml@refs/heads/main` names `a@b.yml`). Case-sensitive.
    public static func workflowFilename(in jobWorkflowRef: String) -> String? {
        let bytes = Array(jobWorkflowRef.utf8)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.count
            // The longest match first, as the greedy `[^/]+` backtracks from the segment's end.
            for at in stride(from: end - 1, to: start, by: -1) where bytes[at] == UInt8(ascii: "@") {
                let name = bytes[start..<at]
                if (name.count > 4 && name.suffix(4).elementsEqual(".yml".utf8))
                    || (name.count > 5 && name.suffix(5).elementsEqual(".yaml".utf8)) {
                    // Cut at ASCII bytes: still UTF-8.
                    return String(decoding: name, as: UTF8.self)
                }
            }
            start = end + 1
        }
        return nil
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
