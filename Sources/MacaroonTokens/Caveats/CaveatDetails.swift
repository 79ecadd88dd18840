/// What a caveat is and what it holds, for tools that show caveats (such as
/// `macaroon inspect`): a stable kind name and its values by name.
public struct CaveatDetails: Sendable, Hashable {
    /// A stable name for the kind of caveat, e.g. `expiration` or `project_names`.
    public let kind: String
    /// The caveat's values by name, e.g. `expires_at`, in the order they are shown.
    public let fields: [Field]

    /// Details of a caveat of `kind` holding `fields`.
    public init(kind: String, fields: [Field] = []) {
        self.kind = kind
        self.fields = fields
    }

    /// One named value of a caveat.
    public struct Field: Sendable, Hashable {
        /// The name, e.g. `expires_at`.
        public let name: String
        /// The value.
        public let value: CaveatArgument

        /// A value named `name`.
        public init(_ name: String, _ value: CaveatArgument) {
            self.name = name
            self.value = value
        }
    }
}
