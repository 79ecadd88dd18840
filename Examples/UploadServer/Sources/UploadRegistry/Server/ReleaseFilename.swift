import MacaroonTokens

/// The project name and version a release file's name carries, as Warehouse reads them:
/// a wheel is `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (PEP 427), an
/// sdist `{name}-{version}.tar.gz` or `.zip` (the version after the last `-`; Warehouse then
/// accepts only the PEP 625 name, see ``checkVersion(against:normalizedName:filename:)``).
///
/// The name must be the project's (after PEP 503 normalization), not merely start with
/// it: file names are unique across the registry, so an owner of `foo` uploading
/// `foo-bar-1.0.tar.gz` would take that name from the project `foo-bar` for good.
struct ReleaseFilename: Equatable {
    /// A built distribution or a source one.
    enum Kind: Equatable {
        /// A wheel (`.whl`).
        case wheel
        /// A source distribution (`.tar.gz` or `.zip`).
        case sdist
    }

    /// The project name as the file name spells it (e.g. `tiny_pkg`).
    let name: String
    /// The version as the file name spells it.
    let version: String
    /// A wheel or an sdist.
    let kind: Kind

    /// A name, version and kind.
    init(name: String, version: String, kind: Kind) {
        self.name = name
        self.version = version
        self.kind = kind
    }

    /// Reads `filename` (already checked by ``RegistryDatabase/isValidFilename(_:)``); `nil` when it is
    /// neither a wheel nor an sdist name.
    init?(_ filename: String) {
        if let stem = Self.stem(filename, ".whl") {
            let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 5 || parts.count == 6, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
            name = String(parts[0])
            version = String(parts[1])
            kind = .wheel
        } else if let stem = Self.stem(filename, ".tar.gz") ?? Self.stem(filename, ".zip") {
            guard let dash = stem.lastIndex(of: "-"), dash != stem.startIndex, stem.index(after: dash) != stem.endIndex else {
                return nil
            }
            name = String(stem[..<dash])
            version = String(stem[stem.index(after: dash)...])
            kind = .sdist
        } else {
            return nil
        }
    }

    /// Whether the name, PEP 503 normalized, is `normalizedName`.
    func isNamed(_ normalizedName: String) -> Bool {
        UploadRequest.Project(name: name).normalizedName == normalizedName
    }

    /// Checks the file name's version against the form's `version`, as Warehouse does: a wheel's
    /// must be equal to it under PEP 440 (`1.0` and `1.0.0` are), and an sdist must be named exactly
    /// `{normalized_name}-{normalized version}.tar.gz` (PEP 625; so no `.zip`, and the version spelled
    /// as normalized).
    ///
    /// - Parameters:
    ///   - version: the form's version.
    ///   - normalizedName: the project's PEP 503 normalized name.
    ///   - filename: the file name this was read from.
    /// - Returns: for an sdist, its release (the version's canonical form: one sdist per release); `nil` for a wheel.
    /// - Throws: ``UploadFailure`` 400 with Warehouse's message.
    func checkVersion(against version: PackageVersion, normalizedName: String, filename: String) throws(UploadFailure) -> String? {
        switch kind {
        case .wheel:
            guard let fileVersion = PackageVersion(self.version) else {
                throw UploadFailure(.badRequest, "Invalid wheel filename (invalid version): '\(filename.dropLast(".whl".count))'")
            }
            guard fileVersion == version else {
                throw UploadFailure(.badRequest, "Version in filename should be '\(version)' not '\(fileVersion)'.")
            }
            return nil
        case .sdist:
            guard PackageVersion(self.version) != nil else {
                throw UploadFailure(.badRequest, "Invalid source distribution filename: \(filename)")
            }
            let expected = String(normalizedName.map { $0 == "-" ? "_" : $0 }) + "-\(version).tar.gz"
            guard filename.utf8.elementsEqual(expected.utf8) else {
                throw UploadFailure(.badRequest, "Filename '\(filename)' is invalid, should be '\(expected)'.")
            }
            return version.canonical
        }
    }

    private static func stem(_ filename: String, _ suffix: String) -> Substring? {
        filename.hasSuffix(suffix) ? filename.dropLast(suffix.count) : nil
    }
}
