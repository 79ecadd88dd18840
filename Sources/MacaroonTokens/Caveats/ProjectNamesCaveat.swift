public import Macaroons
import _MacaroonInternals

/// Tag 1, `[1,["name",...]]`: the request's project, PEP 503 normalized, is one of these names.
///
/// Names are compared as written in the caveat; the minting initializer
/// normalizes them, so a caveat holding `Foo_Bar` (written by someone else)
/// matches nothing.
public struct ProjectNamesCaveat: TaggedUploadCaveat, Hashable {
    /// `1`.
    public static let tag = 1
    /// The allowed names.
    public let names: [String]

    /// Allows these projects; names are normalized before they are written.
    public init(_ names: [String]) throws(CaveatError) {
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else { throw CaveatError(.invalidValue, "project names must be a non-empty list of non-empty names") }
        self.names = names.map(ProjectName.normalize)
    }

    /// Decodes `[["name",...]]`, keeping the names as written.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        names = try arguments.strings(at: 0, named: "project names")
    }

    /// `[["name",...]]`.
    public var arguments: [CaveatArgument] { [.strings(names)] }

    /// Passes when the request's normalized project name is listed.
    public func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        guard let project = request.project else { return .notSatisfied("project-scoped token used outside of a project context") }
        guard names.contains(where: { UTF8Text.equal($0, project.normalizedName) }) else {
            return .notSatisfied("project-scoped token is not valid for project: " + Printable.text(project.name))
        }
        return .satisfied
    }

    /// `project_names`: `names`.
    public var details: CaveatDetails { CaveatDetails(kind: "project_names", fields: [.init("names", .strings(names))]) }

    /// `projects: foo, bar` (escaped; see ``UploadCaveat/summary``).
    public var summary: String { "projects: " + CaveatSummary.list(names) }

    /// Equal when the names are the same UTF-8 bytes, in the same order.
    public static func == (lhs: Self, rhs: Self) -> Bool { UTF8Text.equal(lhs.names, rhs.names) }

    /// Hashes the names' UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        for name in names { UTF8Text.hash(name, into: &hasher) }
    }
}
