import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import HummingbirdTLS
import Logging
import MacaroonHummingbird
import MacaroonTokens
import NIOCore
import ServiceLifecycle

/// The request context of every registry route: `identity` is the token that
/// ``RegistryServerContext/authenticator`` authenticated, if the route has one.
public typealias RegistryRequestContext = BasicAuthRequestContext<AuthenticatedToken>

/// A group of routes of the registry. The server is the list of its groups:
/// ``RegistryServer/standardRouteGroups(_:)`` plus any a feature adds (trusted
/// publishing, leak reports), passed to ``RegistryServer/application(routeGroups:services:onReady:)``.
public protocol RegistryRouteGroup: Sendable {
    /// Adds the group's routes.
    func addRoutes(to router: Router<RegistryRequestContext>)
}

/// What every route group shares: the store, the files, the token checks, the log.
public struct RegistryServerContext: Sendable {
    /// How the server was configured.
    public let configuration: RegistryServer.Configuration
    /// Tokens, users, projects and files' records.
    public let store: RegistryStore
    /// The log (never a token, key or secret in it).
    public let logger: Logger
    /// Token authentication (Warehouse's 401/403/503 answers), shared by the authenticators.
    public let authentication: TokenAuthentication
    let storage: FileStorage
    let issuer: TokenIssuer

    /// The middleware that requires a valid token (401 without credentials).
    public var authenticator: MacaroonAuthenticator<RegistryRequestContext> { MacaroonAuthenticator(authentication) }

    /// The user a request's token authenticates, after checking every caveat against `project`
    /// (`nil`: no project, so project-scoped tokens are refused).
    ///
    /// - Throws: `TokenRefusalResponse` (403 with every reason); ``UploadFailure`` 403 for a token
    ///   that is not a user's.
    public func authorizedUser(_ context: RegistryRequestContext, project: UploadRequest.Project?) throws -> String {
        guard case .user(let id) = try authorizedOwner(context, project: project) else {
            throw UploadFailure(.forbidden, "Invalid API Token: only user tokens are accepted here")
        }
        return id
    }

    /// The owner (a user, or a trusted publisher) a request's token authenticates, after checking
    /// every caveat against `project`; a publisher's token passes only for its registered projects.
    ///
    /// - Throws: `TokenRefusalResponse` (403 with every reason).
    func authorizedOwner(_ context: RegistryRequestContext, project: UploadRequest.Project?) throws -> TokenOwner {
        let verdict = try context.authorizeUpload(project: project)
        guard let owner = verdict.owner else {
            throw UploadFailure(.forbidden, "Invalid API Token: the token has no owner")
        }
        return owner
    }

    /// Runs a registry operation; an operational failure becomes a 503, a refusal a 400.
    func operational<T>(_ body: () async throws -> T) async throws(UploadFailure) -> T {
        do {
            return try await body()
        } catch let error as RegistryError {
            throw failure(error)
        } catch {
            throw failure(.unavailable("\(error)"))
        }
    }

    /// The answer to a registry error: 503 (logged) for operational failures, else 400 (404 for a missing thing).
    func failure(_ error: RegistryError) -> UploadFailure {
        switch error {
        case .unavailable, .corrupt:
            logger.error("registry database failure", metadata: ["error": "\(error)"])
            return UploadFailure(.serviceUnavailable, "Service Unavailable: the registry database cannot be reached; retry later.")
        case .notFound:
            return UploadFailure(.notFound, error.description)
        case .duplicate, .invalid:
            return UploadFailure(.badRequest, error.description)
        }
    }

    /// The answer to a token store failure: 503, logged.
    func storeFailure(_ error: any Error) -> UploadFailure {
        logger.error("token store failure", metadata: ["error": "\(error)"])
        return UploadFailure(.serviceUnavailable, "Service Unavailable: the token store cannot be reached; retry later.")
    }

    /// Runs a token store operation; its failures become 503.
    func tokenStoreCall<T>(_ body: () async throws -> T) async throws(UploadFailure) -> T {
        do {
            return try await body()
        } catch {
            throw storeFailure(error)
        }
    }
}

/// The registry's HTTP server on Hummingbird 2.
public struct RegistryServer: Sendable {
    /// The server's settings (`upload-server serve`'s options).
    public struct Configuration: Sendable {
        /// The address to listen on.
        public var host: String
        /// The port; 0 picks a free one (announced when ready).
        public var port: Int
        /// Where release files are kept.
        public var dataDirectory: String
        /// The largest upload accepted, in bytes.
        public var maximumUploadBytes: Int
        /// Serve HTTPS with this configuration (`--tls-certificate`, `--tls-key`); `nil` for HTTP.
        public var tls: TLSConfiguration?

        /// Settings.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String, maximumUploadBytes: Int = 100 << 20,
            tls: TLSConfiguration? = nil
        ) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.maximumUploadBytes = maximumUploadBytes
            self.tls = tls
        }

        /// `https` with TLS, else `http`.
        public var scheme: String { tls == nil ? "http" : "https" }
    }

    /// What the route groups share.
    public let context: RegistryServerContext
    /// Records token use in batches (run as a service of the application).
    let usage: TokenUsageRecorder

    /// A server over `store`.
    public init(configuration: Configuration, store: RegistryStore, logger: Logger) throws {
        let storage = FileStorage(root: configuration.dataDirectory)
        try storage.prepare()
        let usage = TokenUsageRecorder(store: store.tokens)
        let authentication = TokenAuthentication(
            verifier: UploadTokenVerifier(prefix: "pypi", location: TokenIssuer.location), store: store.tokens,
            owners: RegistryOwnerPolicy(registry: store.registry), usage: usage, logger: logger)
        self.usage = usage
        self.context = RegistryServerContext(
            configuration: configuration, store: store, logger: logger, authentication: authentication, storage: storage,
            issuer: TokenIssuer(store: store))
    }

    /// The route groups every registry has: the legacy upload API, the simple index and files, the token API.
    public static func standardRouteGroups(_ context: RegistryServerContext) -> [any RegistryRouteGroup] {
        [LegacyUploadRoutes(context: context), SimpleIndexRoutes(context: context), TokenAPIRoutes(context: context)]
    }

    /// The application serving `routeGroups`, with `services` (and the token-use recorder) run
    /// alongside; `onReady` gets the address actually bound (the real port when 0 was asked for).
    public func application(
        routeGroups: [any RegistryRouteGroup], services: [any Service] = [],
        onReady: @escaping @Sendable (_ host: String, _ port: Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router(context: RegistryRequestContext.self)
        for group in routeGroups { group.addRoutes(to: router) }
        let host = context.configuration.host
        let recorder = UsageRecorderService(recorder: usage, logger: context.logger)
        return Application(
            router: router,
            // Keeps Warehouse's reason phrases ("Invalid API Token: …") on the status line: twine prints them
            // (over HTTP and HTTPS alike).
            server: try server(),
            configuration: .init(address: .hostname(host, port: context.configuration.port), serverName: "upload-server"),
            services: [recorder] + services,
            onServerRunning: { channel in await onReady(host, channel.localAddress?.port ?? 0) },
            logger: context.logger)
    }
}

extension RegistryServer {
    /// HTTP/1.1 with Warehouse's reason phrases, inside TLS when configured.
    func server() throws -> HTTPServerBuilder {
        let http = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ReasonPhrases.channelHandler()]))
        guard let tls = context.configuration.tls else { return http }
        return try .tls(http, tlsConfiguration: tls)
    }
}

/// Writes recorded token uses every few seconds, and once more at shutdown.
struct UsageRecorderService: Service {
    let recorder: TokenUsageRecorder
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await recorder.run(every: .seconds(5)) { error in
                logger.warning("cannot record token use", metadata: ["error": "\(error)"])
            }
        }
    }
}
