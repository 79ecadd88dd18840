import ArgumentParser
import Foundation
import Logging
import MacaroonLeakReports
import MacaroonTokens
import MacaroonTrustedPublishing
import HummingbirdTLS

/// `serve`'s options for trusted publishing, leak reports and HTTPS.
struct TrustedPublishingOptions: ParsableArguments {
    @Option(name: .customLong("oidc-audience"), help: "The audience ID tokens must be issued for.")
    var oidcAudience: String = "pypi"

    @Option(
        name: .customLong("oidc-jwks"),
        help: "ISSUER=URL: fetch this OIDC issuer's keys from URL instead of discovering them (repeatable).")
    var oidcJWKS: [String] = []

    @Option(name: .customLong("leak-report-keys"), help: "Where the secret-scanning reporter's public keys are.")
    var leakReportKeys: String = ReporterKeys.gitHubURL

    @Option(name: .customLong("tls-certificate"), help: "A PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-certificate.")
    var tlsKey: String?

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
        _ = try issuers()
    }

    /// GitHub Actions, its keys from `--oidc-jwks` when given.
    func issuers() throws -> [OIDCIssuer] {
        var jwksURLs: [String: String] = [:]
        for entry in oidcJWKS {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex, entry.index(after: equals) != entry.endIndex else {
                throw ValidationError("--oidc-jwks takes ISSUER=URL, got '\(entry)'")
            }
            jwksURLs[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        for issuer in jwksURLs.keys where issuer != OIDCIssuer.gitHubActionsURL {
            throw ValidationError("unknown OIDC issuer '\(issuer)': only \(OIDCIssuer.gitHubActionsURL) is supported")
        }
        return [.gitHubActions(jwksURL: jwksURLs[OIDCIssuer.gitHubActionsURL])]
    }

    /// The server's TLS configuration, or `nil` for plain HTTP.
    func tlsConfiguration() throws -> TLSConfiguration? {
        guard let tlsCertificate, let tlsKey else { return nil }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(tlsCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: tlsKey, format: .pem)))
    }

    /// The route groups of leak reports and (when the token store can remember used
    /// ID tokens) trusted publishing, over `context`'s store.
    func routeGroups(_ context: RegistryServerContext) throws -> [any RegistryRouteGroup] {
        let fetcher = AsyncHTTPDocumentFetcher()
        let logger = context.logger
        let endpoint = LeakReportEndpoint(
            verifier: SignedReportVerifier(keys: ReporterKeys(url: leakReportKeys, fetcher: fetcher)),
            processor: LeakReportProcessor(
                store: context.store.tokens,
                hook: RegistryLeakHook(dataDirectory: context.configuration.dataDirectory, logger: context.logger)))
        var groups: [any RegistryRouteGroup] = [LeakReportRoutes(context: context, endpoint: endpoint)]
        guard let replays = context.store.tokens as? any ReplayGuard else {
            logger.warning("trusted publishing is off: this token store cannot remember used ID tokens (it is no ReplayGuard)")
            return groups
        }
        let keySets = IssuerKeySets(fetcher: fetcher) { message in logger.warning("\(message)") }
        let exchange = TrustedPublishingExchange(
            verifier: IDTokenVerifier(audience: oidcAudience, keySets: keySets), issuers: try issuers(),
            directory: RegistryPublisherDirectory(registry: context.store.registry), store: context.store.tokens, replays: replays,
            location: TokenIssuer.location)
        groups.append(TrustedPublishingRoutes(context: context, exchange: exchange))
        return groups
    }
}
