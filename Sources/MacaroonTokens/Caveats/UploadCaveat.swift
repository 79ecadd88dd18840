public import Macaroons

/// A decoded caveat of an upload token: a small policy over the request.
///
/// Caveats compose by conjunction: a request is allowed only if every caveat
/// of the token (and of its discharges) is satisfied. Built-in caveats are
/// ``ExpirationCaveat``, ``ProjectNamesCaveat``, ``ProjectIDsCaveat``,
/// ``RequestUserCaveat``, ``TrustedPublisherCaveat`` and ``LegacyUserCaveat``.
public protocol UploadCaveat: Sendable {
    /// Whether `request` satisfies this caveat, and if not, why not (in words a user can act on):
    /// `.satisfied` or `.notSatisfied("...")`.
    func evaluate(_ request: UploadRequest) -> CaveatEvaluation

    /// What the caveat allows, in words (e.g. `projects: foo, bar`).
    ///
    /// The standard caveats escape and cap the strings they hold (see
    /// `Printable`), so their summaries are safe to print; do the same in yours.
    var summary: String { get }

    /// The summary as of `now` (Unix seconds): time-bound caveats say how far
    /// away their times are. The default is ``summary``.
    func summary(now: Int64) -> String

    /// What the caveat is and holds, for tools that show caveats. Tagged
    /// caveats have a default: kind `tag N` and their arguments.
    var details: CaveatDetails { get }
}

extension UploadCaveat {
    /// ``summary``, whatever the time.
    public func summary(now: Int64) -> String { summary }
}
