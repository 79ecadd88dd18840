#if TrustedPublishing
import MacaroonTrustedPublishing
import Testing

/// Claim matching, case by case as Warehouse's GitHub publisher tests exercise it.
@Suite struct GitHubPublisherTests {
    static let publisher = GitHubPublisher(
        id: "pub-1", repositoryOwner: "octo-org", repositoryName: "sampleproject", repositoryOwnerID: "4242",
        workflowFilename: "release.yml", projectIDs: ["p-1"])

    static func claims(_ changes: [String: String?] = [:]) -> IDTokenClaims {
        var strings: [String: String] = [
            "iss": OIDCIssuer.gitHubActionsURL, "aud": "pypi", "jti": "j-1",
            "sub": "repo:octo-org/sampleproject:ref:refs/heads/main", "repository": "octo-org/sampleproject",
            "repository_owner": "octo-org", "repository_owner_id": "4242", "ref": "refs/heads/main",
            "sha": "0123456789abcdef0123456789abcdef01234567",
            "job_workflow_ref": "octo-org/sampleproject/.github/workflows/release.yml@refs/heads/main",
        ]
        for (name, value) in changes { strings[name] = value }
        return IDTokenClaims(strings: strings, issuer: strings["iss"] ?? "", audience: "pypi", expires: 2, issuedAt: 1, notBefore: nil)
    }

    static func mismatch(_ claims: IDTokenClaims, _ publisher: GitHubPublisher = publisher) -> String? {
        do {
            try publisher.verifyClaims(claims)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theRegisteredWorkflowMatches() {
        #expect(Self.mismatch(Self.claims()) == nil)
    }

    @Test(arguments: [
        // sub: repo:OWNER/REPO[:…], its first two components compared without case.
        ("repo:Octo-Org/SampleProject:environment:prod", nil),
        ("repo:octo-org/sampleproject", nil),
        ("repo:octo-org/other:ref:refs/heads/main", "Check failed for required claim 'sub'"),
        ("repo", "Check failed for required claim 'sub'"),
        (":octo-org/sampleproject", "Check failed for required claim 'sub'"),
        ("", "Check failed for required claim 'sub'"),
    ] as [(String, String?)])
    func sub(_ value: String, _ expected: String?) {
        #expect(Self.mismatch(Self.claims(["sub": value])) == expected)
    }

    @Test func repositoryIsCompareWithoutCaseButOwnerExactly() {
        #expect(Self.mismatch(Self.claims(["repository": "OCTO-ORG/SampleProject"])) == nil)
        #expect(Self.mismatch(Self.claims(["repository": "octo-org/other"])) == "Check failed for required claim 'repository'")
        #expect(Self.mismatch(Self.claims(["repository": ""])) == "Check failed for required claim 'repository'")
        #expect(Self.mismatch(Self.claims(["repository_owner": "Octo-Org"])) == "Check failed for required claim 'repository_owner'")
        #expect(Self.mismatch(Self.claims(["repository_owner_id": "4243"])) == "Check failed for required claim 'repository_owner_id'")
    }

    @Test func jobWorkflowRefMustNameTheWorkflowAtRefOrSha() {
        let base = "octo-org/sampleproject/.github/workflows/release.yml@"
        #expect(Self.mismatch(Self.claims(["job_workflow_ref": base + "0123456789abcdef0123456789abcdef01234567"])) == nil)
        // ref empty (a deployment): the sha is used.
        #expect(Self.mismatch(Self.claims(["ref": "", "job_workflow_ref": base + "0123456789abcdef0123456789abcdef01234567"])) == nil)
        #expect(Self.mismatch(Self.claims(["ref": "", "sha": ""])) == "The ref and sha claims are empty")
        #expect(Self.mismatch(Self.claims(["job_workflow_ref": ""])) == "The job_workflow_ref claim is empty")
        // Case-sensitive, and another workflow, another ref, another repository's workflow fail.
        for other in [
            "octo-org/sampleproject/.github/workflows/Release.yml@refs/heads/main",
            "octo-org/sampleproject/.github/workflows/release.yml@refs/heads/other",
            "octo-org/sampleproject/.github/workflows/release.yaml@refs/heads/main",
            "octo-org/reusable/.github/workflows/release.yml@refs/heads/main",
        ] {
            let message = Self.mismatch(Self.claims(["job_workflow_ref": other]))
            #expect(message == "The job_workflow_ref claim does not match, expecting one of "
                + "['octo-org/sampleproject/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567', "
                + "'octo-org/sampleproject/.github/workflows/release.yml@refs/heads/main'], got '\(other)'")
        }
    }

    @Test func anEchoedClaimHasItsControlAndBidiCharactersEscapedAndIsCapped() throws {
        // A branch name is the pusher's choice; git allows U+202E (right-to-left override) and ESC in it.
        let ref = "refs/heads/\u{202E}lmy.esaeler\u{1B}]0;pwned\u{07}" + String(repeating: "x", count: 300)
        let message = try #require(Self.mismatch(Self.claims([
            "ref": ref, "job_workflow_ref": "octo-org/sampleproject/.github/workflows/release.yml@refs/heads/other",
        ])))
        #expect(!message.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x1B || $0.value == 0x07 })
        #expect(message.contains("\\u{202E}") && message.contains("\\u{1B}"))
        #expect(message.utf8.count < 700, "each echoed claim is capped: \(message.utf8.count) bytes")
    }

    @Test func environmentIsOptionalUnlessConfiguredAndComparedWithoutCase() {
        let withEnvironment = GitHubPublisher(
            id: "pub-2", repositoryOwner: "octo-org", repositoryName: "sampleproject", repositoryOwnerID: "4242",
            workflowFilename: "release.yml", environment: "Release", projectIDs: ["p-1"])
        #expect(withEnvironment.environment == "release")
        #expect(Self.mismatch(Self.claims(["environment": "RELEASE"]), withEnvironment) == nil)
        #expect(Self.mismatch(Self.claims(), withEnvironment) == "Check failed for optional claim 'environment'")
        #expect(Self.mismatch(Self.claims(["environment": ""]), withEnvironment) == "Check failed for optional claim 'environment'")
        #expect(Self.mismatch(Self.claims(["environment": "staging"]), withEnvironment) == "Check failed for optional claim 'environment'")
        // No environment configured: any environment, or none.
        #expect(Self.mismatch(Self.claims(["environment": "staging"])) == nil)
    }

    @Test(arguments: ["sub", "repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "jti", "ref", "sha"])
    func missingClaims(_ name: String) {
        #expect(throws: PublisherMismatch("Missing claim '\(name)'")) {
            try GitHubPublisher.find(for: Self.claims([name: String?.none]), among: [Self.publisher])
        }
    }

    @Test func lookupPrefersThePublisherOfTheClaimedEnvironmentThenOneWithout() throws {
        let any = Self.publisher
        let release = GitHubPublisher(
            id: "pub-release", repositoryOwner: "octo-org", repositoryName: "sampleproject", repositoryOwnerID: "4242",
            workflowFilename: "release.yml", environment: "release", projectIDs: ["p-2"])
        #expect(try GitHubPublisher.find(for: Self.claims(["environment": "Release"]), among: [any, release]).id == "pub-release")
        #expect(try GitHubPublisher.find(for: Self.claims(["environment": "staging"]), among: [any, release]).id == "pub-1")
        #expect(try GitHubPublisher.find(for: Self.claims(), among: [release, any]).id == "pub-1")
        #expect(throws: PublisherMismatch("Publisher with matching claims was not found")) {
            try GitHubPublisher.find(for: Self.claims(["environment": "staging"]), among: [release])
        }
    }

    @Test func lookupNeedsTheExactOwnerNameOwnerIdAndWorkflow() {
        let exhausted = PublisherMismatch("Publisher with matching claims was not found")
        for claims in [
            Self.claims(["repository": "octo-org/other", "job_workflow_ref": "octo-org/other/.github/workflows/release.yml@refs/heads/main"]),
            Self.claims(["repository_owner_id": "1"]),
            Self.claims(["job_workflow_ref": "octo-org/sampleproject/.github/workflows/deploy.yml@refs/heads/main"]),
            Self.claims(["repository": "no-slash"]),
        ] {
            #expect(throws: exhausted) { try GitHubPublisher.find(for: claims, among: [Self.publisher]) }
        }
        #expect(throws: PublisherMismatch("Missing claim 'repository'")) {
            try GitHubPublisher.find(for: Self.claims(["repository": String?.none]), among: [Self.publisher])
        }
    }

    @Test(arguments: [
        ("octo-org/sampleproject/.github/workflows/release.yml@refs/heads/main", "release.yml"),
        ("octo-org/sampleproject/.github/workflows/release.yaml@refs/tags/v1.0", "release.yaml"),
        ("octo-org/sampleproject/.github/workflows/rel@se.yml@refs/heads/main", "rel@se.yml"),
        ("octo-org/sampleproject/.github/workflows/a.yml@b.yml@refs/heads/main", "a.yml@b.yml"),
        ("octo-org/sampleproject/.github/workflows/release.yml@refs/heads/x.yml@y", "release.yml"),
        ("octo-org/sampleproject/.github/workflows/release.yml@0123456789abcdef", "release.yml"),
        ("octo-org/sampleproject/.github/workflows/release.yml.bak@refs/heads/main", nil),
        ("octo-org/sampleproject/.github/workflows/release.yml", nil),
        ("octo-org/sampleproject/.github/workflows/Release.YML@refs/heads/main", nil),
        ("octo-org/sampleproject/.github/workflows/.yml@refs/heads/main", nil),
        ("", nil),
    ] as [(String, String?)])
    func workflowFilenameIsExtractedAsWarehouseDoes(_ ref: String, _ expected: String?) {
        #expect(GitHubPublisher.workflowFilename(in: ref) == expected)
    }

    @Test func theLookupComparesTheWholeFileNameNotAPrefix() throws {
        // A publisher of release.yml in an environment must not shadow the one of
        // release.yml.x.yml without one (Warehouse looks up the extracted name exactly).
        let prefix = GitHubPublisher(
            id: "pub-prefix", repositoryOwner: "octo-org", repositoryName: "sampleproject", repositoryOwnerID: "4242",
            workflowFilename: "release.yml", environment: "prod", projectIDs: ["p-1"])
        let exact = GitHubPublisher(
            id: "pub-exact", repositoryOwner: "octo-org", repositoryName: "sampleproject", repositoryOwnerID: "4242",
            workflowFilename: "release.yml.x.yml", projectIDs: ["p-2"])
        let claims = Self.claims([
            "environment": "prod", "job_workflow_ref": "octo-org/sampleproject/.github/workflows/release.yml.x.yml@refs/heads/main",
        ])
        #expect(try GitHubPublisher.find(for: claims, among: [prefix, exact]).id == "pub-exact")
        #expect(throws: PublisherMismatch("Publisher with matching claims was not found")) {
            try GitHubPublisher.find(for: claims, among: [prefix])
        }
        #expect(throws: PublisherMismatch("Could not job extract workflow filename from OIDC claims")) {
            try GitHubPublisher.find(for: Self.claims(["job_workflow_ref": "octo-org/sampleproject/.github/workflows/x"]), among: [exact])
        }
    }
}
#endif
