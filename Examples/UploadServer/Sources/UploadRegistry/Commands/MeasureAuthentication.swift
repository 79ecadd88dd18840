import ArgumentParser
import MacaroonHummingbird
import MacaroonPostgres
import MacaroonTokens

/// `upload-server measure-authentication < TOKEN`: the library's own cost of authenticating
/// a request, measured in this process on the registry's store, owner policy and caches, with
/// no HTTP around it. The token must be account-wide: it is authorized with no project, as
/// `GET /api/whoami` does. Benchmarks/load/run prints it beside the load figure, which also counts
/// the framework's handling of the header and varies more from run to run. Not listed in the help.
struct MeasureAuthentication: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time authentication in-process (for Benchmarks/load/run).", shouldDisplay: false)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Requests per measurement.")
    var count = 100_000

    @Option(help: "Measurements; the fastest is reported.")
    var repetitions = 9

    func run() async throws {
        // From standard input, so that the token never appears in a process listing.
        guard let token = readLine(), !token.allSatisfy(\.isWhitespace) else { throw ValidationError("pass a token on standard input") }
        let (count, repetitions) = (max(1, count), max(1, repetitions))
        let logger = storeOptions.logger()
        let (authenticate, authorize) = try await storeOptions.withStore(cacheLookups: true, logger: logger) { store in
            try await withThrowingTaskGroup(of: Void.self) { services in
                // The store's services (PostgreSQL's listener, which the lookup cache serves behind), as `serve` runs them.
                for service in store.services { services.addTask { try await service.run() } }
                defer { services.cancelAll() }
                try await Self.waitForLookupCache(of: store.tokens)
                let authentication = try RegistryServer(configuration: .init(dataDirectory: storeOptions.data), store: store, logger: logger)
                    .context.authentication
                return try await Self.fastest(of: repetitions, count: count, authentication: authentication, header: "Bearer \(token)")
            }
        }
        print("in-process, fastest of \(repetitions) x \(count) requests: authenticate \(Self.nanoseconds(authenticate)) ns, "
            + "authenticate and authorize \(Self.nanoseconds(authorize)) ns per request")
    }

    /// The fastest of `repetitions` loops of `count` requests: authenticate only, then authenticate and authorize.
    private static func fastest(
        of repetitions: Int, count: Int, authentication: TokenAuthentication, header: String
    ) async throws -> (authenticate: Duration, authorize: Duration) {
        var fastest = (authenticate: Duration.seconds(1_000), authorize: Duration.seconds(1_000))
        for _ in 0..<repetitions {
            let clock = ContinuousClock()
            let authenticated = try await clock.measure {
                for _ in 0..<count { _ = try await authentication.authenticate(authorizationHeader: header) }
            }
            let authorized = try await clock.measure {
                for _ in 0..<count { _ = try await authentication.authenticate(authorizationHeader: header)?.authorize(project: nil) }
            }
            fastest = (min(fastest.authenticate, authenticated), min(fastest.authorize, authorized))
        }
        return (fastest.authenticate / count, fastest.authorize / count)
    }

    /// Waits (up to 10 s) until a PostgreSQL store's lookup cache serves, as it does in a running server.
    private static func waitForLookupCache(of tokens: any TokenStore) async throws {
        guard let postgres = tokens as? PostgresTokenStore else { return }
        let deadline = ContinuousClock.now + .seconds(10)
        while !postgres.isCacheServing {
            guard ContinuousClock.now < deadline else { throw ValidationError("the PostgreSQL store's lookup cache did not start serving") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
