import ArgumentParser
import MacaroonHummingbird
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
            let authentication = try RegistryServer(configuration: .init(dataDirectory: storeOptions.data), store: store, logger: logger)
                .context.authentication
            let header = "Bearer \(token)"
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
        print("in-process, fastest of \(repetitions) x \(count) requests: authenticate \(Self.nanoseconds(authenticate)) ns, "
            + "authenticate and authorize \(Self.nanoseconds(authorize)) ns per request")
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
