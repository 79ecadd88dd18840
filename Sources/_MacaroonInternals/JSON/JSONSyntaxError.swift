/// A JSON syntax error at a byte offset.
package struct JSONSyntaxError: Error, Sendable, Equatable {
    package let offset: Int
    package let detail: String
}
