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
///
/// Nothing is counted or timed for swift-metrics' `NOOPMetricsHandler`, which discards every
/// figure: on the hot path of each request, that saves the calls and the clock readings.
struct TokenAuthenticationMetrics: Sendable {
    enum Stage: Int, CaseIterable {
        case authenticate, authorize

        var name: String { self == .authenticate ? "authenticate" : "authorize" }
    }

    enum Outcome: Int, CaseIterable {
        case allowed, denied, unauthenticated, unavailable

        var name: String {
            switch self {
            case .allowed: "allowed"
            case .denied: "denied"
            case .unauthenticated: "unauthenticated"
            case .unavailable: "unavailable"
            }
        }
    }

    static let verificationsLabel = "macaroon_token_verifications_total"
    static let denialsLabel = "macaroon_token_denials_total"
    static let schemesLabel = "macaroon_token_auth_scheme_total"
    static let lookupDurationLabel = "macaroon_token_store_lookup_duration"

    /// By stage, then outcome (the enums' raw values): no hashing per request.
    private let verifications: [[Counter]]
    private let denials: [Stage: [DenialReason.Code: Counter]]
    /// By the position of the scheme in `AuthorizationScheme.allCases`.
    private let schemes: [Counter]
    private let factory: any MetricsFactory
    /// Whether figures are recorded: not for the no-op factory.
    let isRecording: Bool

    /// The library's denial codes, whose counters exist from the start; a code a
    /// server adds gets its counter on its first denial.
    static let knownCodes: [DenialReason.Code] = [
        .malformedToken, .unknownIdentifier, .invalidSignature, .wrongLocation,
        .thirdPartyCaveatNotAccepted, .invalidCaveat, .caveatNotSatisfied, .ownerDisabled,
    ]
    /// Store lookup latency.
    let lookupDuration: Metrics.Timer

    init(factory: any MetricsFactory) {
        var denials: [Stage: [DenialReason.Code: Counter]] = [:]
        for stage in Stage.allCases {
            for code in Self.knownCodes {
                denials[stage, default: [:]][code] = Counter(
                    label: Self.denialsLabel, dimensions: [("stage", stage.name), ("reason", code.description)], factory: factory)
            }
        }
        self.verifications = Stage.allCases.map { stage in
            Outcome.allCases.map { outcome in
                Counter(label: Self.verificationsLabel, dimensions: [("stage", stage.name), ("outcome", outcome.name)], factory: factory)
            }
        }
        self.denials = denials
        self.schemes = AuthorizationScheme.allCases.map { scheme in
            Counter(label: Self.schemesLabel, dimensions: [("scheme", scheme.rawValue)], factory: factory)
        }
        self.factory = factory
        self.isRecording = !(factory is NOOPMetricsHandler)
        self.lookupDuration = Metrics.Timer(label: Self.lookupDurationLabel, dimensions: [], factory: factory)
    }

    /// Counts a verification at `stage`, and each of its denial reasons.
    @inline(__always)
    func record(_ stage: Stage, _ outcome: Outcome, reasons: [DenialReason] = []) {
        if isRecording { count(stage, outcome, reasons: reasons) }
    }

    /// Counts a request's `Authorization` scheme.
    @inline(__always)
    func record(_ scheme: AuthorizationScheme) {
        if isRecording { schemes[scheme.index].increment() }
    }

    private func count(_ stage: Stage, _ outcome: Outcome, reasons: [DenialReason]) {
        verifications[stage.rawValue][outcome.rawValue].increment()
        for reason in reasons {
            if let counter = denials[stage]?[reason.code] {
                counter.increment()
            } else {
                Counter(label: Self.denialsLabel, dimensions: [("stage", stage.name), ("reason", reason.code.description)], factory: factory)
                    .increment()
            }
        }
    }
}
#endif
