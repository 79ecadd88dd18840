/// Text that is not base64 in the spelling asked for: where, and what was wrong.
package struct Base64Error: Error, Sendable, Hashable {
    /// The offset of the offending character in the text, when one is to blame.
    package let offset: Int?
    /// A sentence for people, e.g. `character '!' is not base64`.
    package let detail: String

    package init(offset: Int?, detail: String) {
        self.offset = offset
        self.detail = detail
    }
}
