import _MacaroonInternals

/// How the standard caveats show the strings they hold in a ``UploadCaveat/summary``:
/// escaped and capped (they come from whoever wrote the caveat), and unquoted
/// for readability.
enum CaveatSummary {
    /// The longest string shown, in Unicode scalars.
    static let limit = 128

    /// One string, escaped and cut at ``limit``.
    static func item(_ text: String) -> String {
        Printable.text(text, limit: limit, quoted: false)
    }

    /// At most 16 items, then how many more there are.
    static func list(_ items: [String]) -> String {
        let shown = items.prefix(16).map(item).joined(separator: ", ")
        return items.count > 16 ? shown + ", … (\(items.count - 16) more)" : shown
    }
}
