import ArgumentParser
import Foundation

/// `upload-server publishers add|list`: GitHub Actions trusted publishers.
struct Publishers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage trusted publishers (GitHub Actions workflows that may publish a project).",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a GitHub Actions workflow as a trusted publisher of an existing project; prints its id.")

        @Option(help: "The project the workflow may publish (it must exist).")
        var project: String

        @Option(help: "The GitHub repository, OWNER/REPO, spelled as GitHub spells it.")
        var repository: String

        @Option(name: .customLong("owner-id"), help: "GitHub's numeric id of the repository's owner.")
        var ownerID: String

        @Option(help: "The workflow's file name under .github/workflows/, e.g. release.yml.")
        var workflow: String

        @Option(help: "The GitHub environment the job must run in (default: any).")
        var environment: String = ""

        @OptionGroup var storeOptions: StoreOptions

        func validate() throws {
            let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--repository must be OWNER/REPO")
            }
        }

        func run() async throws {
            let parts = repository.split(separator: "/").map(String.init)
            let (project, ownerID, workflow, environment) = (project, ownerID, workflow, environment)
            let publisher = try await storeOptions.withStore { store in
                try await store.registry.addGitHubPublisher(
                    projectName: project, repositoryOwner: parts[0], repositoryName: parts[1], repositoryOwnerID: ownerID,
                    workflowFilename: workflow, environment: environment)
            }
            print(publisher.id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the trusted publishers, their projects and live tokens.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var storeOptions: StoreOptions

        /// A publisher as listed.
        struct Listing: Codable {
            let id: String
            let jobWorkflowRef: String
            let environment: String
            let projectIds: [String]
            /// The ids of its tokens (minted by trusted publishing, not burned or expired-and-purged).
            let tokens: [String]
        }

        func run() async throws {
            let listings = try await storeOptions.withStore { store in
                var listings: [Listing] = []
                for publisher in try await store.registry.gitHubPublishers() {
                    let tokens = try await store.tokens.tokens(ownedBy: .trustedPublisher(id: publisher.id))
                    listings.append(Listing(
                        id: publisher.id, jobWorkflowRef: publisher.jobWorkflowRef, environment: publisher.environment,
                        projectIds: publisher.projectIDs, tokens: tokens.map(\.id)))
                }
                return listings
            }
            if json {
                try printJSON(listings)
            } else {
                for listing in listings {
                    let environment = listing.environment.isEmpty ? "any environment" : "environment \(listing.environment)"
                    print("\(listing.id)  \(listing.jobWorkflowRef)  \(environment)  projects: \(listing.projectIds.joined(separator: ","))  tokens: \(listing.tokens.count)")
                }
            }
        }
    }
}
