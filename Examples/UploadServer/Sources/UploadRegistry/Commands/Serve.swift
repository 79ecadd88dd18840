import ArgumentParser
import Foundation
import Hummingbird

/// `upload-server serve`: runs the registry until SIGTERM or SIGINT, then
/// finishes the requests in flight (an upload is either stored whole or not at all).
///
/// Features add their options as further option groups here and their routes
/// to ``routeGroups(_:)``.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the registry; prints http://HOST:PORT (https:// with TLS) when ready.")

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0: a free port, announced when ready).")
    var port: Int = 8080

    @Option(help: "The largest upload accepted, in MiB.")
    var maxUploadMiB: Int = 100

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var trustedPublishing: TrustedPublishingOptions

    func run() async throws {
        let logger = storeOptions.logger()
        let configuration = RegistryServer.Configuration(
            host: host, port: port, dataDirectory: storeOptions.data, maximumUploadBytes: maxUploadMiB << 20,
            tls: try trustedPublishing.tlsConfiguration())
        try await storeOptions.withStore(cacheLookups: true, logger: logger) { store in
            let server = try RegistryServer(configuration: configuration, store: store, logger: logger)
            let scheme = configuration.scheme
            let application = try server.application(
                routeGroups: try routeGroups(server.context), services: store.services
            ) { host, port in
                FileHandle.standardOutput.write(Data("\(scheme)://\(host):\(port)\n".utf8))
            }
            try await application.runService()
        }
    }

    /// Every route group the server serves.
    func routeGroups(_ context: RegistryServerContext) throws -> [any RegistryRouteGroup] {
        RegistryServer.standardRouteGroups(context) + (try trustedPublishing.routeGroups(context))
    }
}
