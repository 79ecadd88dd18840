import MacaroonTokens

/// The project name and version a release file's name carries, as Warehouse reads them:
/// a wheel is `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (PEP 427), an
/// sdist `{name}-{version}.tar.gz` or `.zip` (the version after the last `-`).
///
/// The name must be the project's (after PEP 503 normalization), not merely start with
/// it: file names are unique across the registry, so an owner of `foo` uploading
/// `foo-bar-1.0.tar.gz` would take that name from the project `foo-bar` for good.
struct ReleaseFilename: Equatable {
    /// The project name as the file name spells it (e.g. `tiny_pkg`).
    let name: String
    /// The version as the file name spells it.
    let version: String

    /// A name and version.
    init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// Reads `filename` (already checked by ``RegistryDatabase/isValidFilename(_:)``); `nil` when it is
    /// neither a wheel nor an sdist name.
    init?(_ filename: String) {
        if let stem = Self.stem(filename, ".whl") {
            let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 5 || parts.count == 6, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
            name = String(parts[0])
            version = String(parts[1])
        } else if let stem = Self.stem(filename, ".tar.gz") ?? Self.stem(filename, ".zip") {
            guard let dash = stem.lastIndex(of: "-"), dash != stem.startIndex, stem.index(after: dash) != stem.endIndex else {
                return nil
            }
            name = String(stem[..<dash])
            version = String(stem[stem.index(after: dash)...])
        } else {
            return nil
        }
    }

    /// Whether the name, PEP 503 normalized, is `normalizedName`.
    func isNamed(_ normalizedName: String) -> Bool {
        UploadRequest.Project(name: name).normalizedName == normalizedName
    }

    private static func stem(_ filename: String, _ suffix: String) -> Substring? {
        filename.hasSuffix(suffix) ? filename.dropLast(suffix.count) : nil
    }
}
