#if Hummingbird || Vapor
import Macaroons
import MacaroonTokens
import Metrics

/// The metrics of ``TokenAuthentication``, created once from an injected factory.
///
/// - `macaroon_token_verifications_total{stage, outcome}`: `stage` is `authenticate` (the
///   middleware) or `authorize` (the handler's caveat check); `outcome` is `allowed`,
///   `denied`, `unauthenticated` (no credentials) or `unavailable` (store or policy failed).
/// - `macaroon_token_denials_total{stage, reason}`: one per denial reason, `reason` a
///   ``DenialReason/Code`` raw value (e.g. `caveatNotSatisfied`).
/// - `macaroon_token_auth_scheme_total{scheme}`: `none`, `basic`, `bearer`, `token` or `other`.
/// - `macaroon_token_store_lookup_duration`: a timer (nanoseconds) of every store lookup,
///   successful or not.
struct TokenAuthenticationMetrics: Sendable {
    enum Stage: String, CaseIterable {
        case authenticate, authorize
    }

    enum Outcome: String, CaseIterable {
        case allowed, denied, unauthenticated, unavailable
    }

    static let verificationsLabel = "macaroon_token_verifications_total"
    static let denialsLabel = "macaroon_token_denials_total"
    static let schemesLabel = "macaroon_token_auth_scheme_total"
    static let lookupDurationLabel = "macaroon_token_store_lookup_duration"

    private let verifications: [Stage: [Outcome: Counter]]
    private let denials: [Stage: [DenialReason.Code: Counter]]
    private let schemes: [AuthorizationScheme: Counter]
    private let factory: any MetricsFactory

    /// The library's denial codes, whose counters exist from the start; a code a
    /// server adds gets its counter on its first denial.
    static let knownCodes: [DenialReason.Code] = [
        .malformedToken, .unknownIdentifier, .invalidSignature, .wrongLocation,
        .thirdPartyCaveatNotAccepted, .invalidCaveat, .caveatNotSatisfied, .ownerDisabled,
    ]
    /// Store lookup latency.
    let lookupDuration: Metrics.Timer

    init(factory: any MetricsFactory) {
        var verifications: [Stage: [Outcome: Counter]] = [:]
        var denials: [Stage: [DenialReason.Code: Counter]] = [:]
        for stage in Stage.allCases {
            for outcome in Outcome.allCases {
                verifications[stage, default: [:]][outcome] = Counter(
                    label: Self.verificationsLabel,
                    dimensions: [("stage", stage.rawValue), ("outcome", outcome.rawValue)], factory: factory)
            }
            for code in Self.knownCodes {
                denials[stage, default: [:]][code] = Counter(
                    label: Self.denialsLabel, dimensions: [("stage", stage.rawValue), ("reason", code.description)], factory: factory)
            }
        }
        var schemes: [AuthorizationScheme: Counter] = [:]
        for scheme in AuthorizationScheme.allCases {
            schemes[scheme] = Counter(label: Self.schemesLabel, dimensions: [("scheme", scheme.rawValue)], factory: factory)
        }
        self.verifications = verifications
        self.denials = denials
        self.schemes = schemes
        self.factory = factory
        self.lookupDuration = Metrics.Timer(label: Self.lookupDurationLabel, dimensions: [], factory: factory)
    }

    func record(_ stage: Stage, _ outcome: Outcome, reasons: [DenialReason] = []) {
        verifications[stage]?[outcome]?.increment()
        for reason in reasons {
            if let counter = denials[stage]?[reason.code] {
                counter.increment()
            } else {
                Counter(label: Self.denialsLabel, dimensions: [("stage", stage.rawValue), ("reason", reason.code.description)], factory: factory)
                    .increment()
            }
        }
    }

    func record(_ scheme: AuthorizationScheme) {
        schemes[scheme]?.increment()
    }
}
#endif
