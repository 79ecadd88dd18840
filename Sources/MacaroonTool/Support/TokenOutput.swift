import Macaroons

/// The text of a token or macaroon the tool writes (`mint`, `restrict`).
enum TokenOutput {
    /// The largest token a verifier with default limits accepts, in bytes of text.
    static let limit = MacaroonLimits.default.maxInputSize

    /// `text`, unless it is over the verifier's size limit: a token no
    /// verifier would accept is refused rather than written. v2 JSON output is
    /// made printable ASCII (the other forms are base64, ASCII already).
    static func checked(_ text: String) throws -> String {
        let size = text.utf8.count
        guard size <= limit else {
            throw ToolError("the token would be \(size) bytes, over the verifier's limit of \(limit) bytes; no verifier would accept it")
        }
        return Terminal.asciiJSON(text)
    }
}
