/// A JSON object with its members in document order; keys are unique (the parser rejects duplicates).
package struct JSONObject: Sendable, Equatable {
    /// The members in document order.
    package var members: [(key: String, value: JSONValue)]

    /// An object with these members (keys should be unique).
    package init(_ members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    /// The value of member `key`, if present.
    package subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    /// The keys in document order.
    package var keys: [String] { members.map(\.key) }

    /// Equal when members, including their order, are equal.
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
