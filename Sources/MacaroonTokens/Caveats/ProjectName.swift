/// PEP 503 project-name normalization.
enum ProjectName {
    /// `re.sub(r"[-_.]+", "-", name).lower()`.
    static func normalize(_ name: String) -> String {
        var output = ""
        output.reserveCapacity(name.utf8.count)
        var inSeparatorRun = false
        for character in name {
            if character == "-" || character == "_" || character == "." {
                if !inSeparatorRun { output.append("-") }
                inSeparatorRun = true
            } else {
                output.append(contentsOf: character.lowercased())
                inSeparatorRun = false
            }
        }
        return output
    }
}
