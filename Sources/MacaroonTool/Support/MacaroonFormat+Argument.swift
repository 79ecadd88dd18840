public import ArgumentParser
public import Macaroons

/// `--format` takes a format by its one spelling, the API's raw value: `v1`,
/// `v2`, `v1-json`, `v2-json` (raw `v2-binary` is not text and is not written by the tool).
extension MacaroonFormat: ExpressibleByArgument {
    public init?(argument: String) {
        guard let format = MacaroonFormat(rawValue: argument), format != .v2Binary else { return nil }
        self = format
    }

    public static var allValueStrings: [String] {
        allCases.filter { $0 != .v2Binary }.map(\.rawValue)
    }
}
