/// PEP 503 project-name normalization.
enum ProjectName {
    /// `re.sub(r"[-_.]+", "-", name).lower()`, on Unicode scalars as Python works on
    /// code points: never `Character` by `Character` (a request's project name comes
    /// from the uploader, and comparing a `Character` that holds a run of combining
    /// marks puts the run in canonical order, in quadratic time).
    static func normalize(_ name: String) -> String {
        var output = String.UnicodeScalarView()
        var inSeparatorRun = false
        for scalar in name.unicodeScalars {
            switch scalar {
            case "-", "_", ".":
                if !inSeparatorRun { output.append("-") }
                inSeparatorRun = true
            case "A"..."Z":
                output.append(Unicode.Scalar(UInt8(scalar.value) | 0x20))
                inSeparatorRun = false
            case _ where scalar.isASCII:
                output.append(scalar)
                inSeparatorRun = false
            default:
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                inSeparatorRun = false
            }
        }
        return String(output)
    }
}
