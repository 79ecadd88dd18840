/// A problem with the tool's input, printed as one line; exit code 2.
struct ToolError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
