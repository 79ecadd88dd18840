/// A JSON object with its members in document order; names are unique (the parser rejects duplicates).
package struct JSONObject: Sendable, Equatable {
    /// The members in document order.
    package var members: [(key: JSONMemberName, value: JSONValue)]

    /// An object with these members (names should be unique).
    package init(_ members: [(key: JSONMemberName, value: JSONValue)]) {
        self.members = members
    }

    /// The value of member `name`, if present (names compare as bytes).
    package subscript(name: JSONMemberName) -> JSONValue? {
        members.first { $0.key == name }?.value
    }

    /// The member names in document order.
    package var keys: [JSONMemberName] { members.map(\.key) }

    /// Equal when members, including their order, are equal.
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
