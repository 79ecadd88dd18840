/// One step of a database backend's schema, applied once, in order, inside a
/// transaction that also records it in the backend's migrations table
/// (`token_store_migrations`: version, name, applied_at). Every backend lists
/// its own steps (SQL dialects differ); this type and ``pending(applied:known:)``
/// are the rules they share (see Specs/token-store.md).
package struct SchemaMigration: Sendable {
    /// 1, 2, 3, … with no gaps.
    package let version: Int
    /// What the step does, e.g. `create tokens`.
    package let name: String
    /// The statements, run in order.
    package let statements: [String]

    package init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// The steps still to apply, given the versions a database records.
    ///
    /// - Throws: ``TokenStoreError/Code/corrupt`` when the database records a version this
    ///   library does not know (a newer library migrated it: refuse rather than guess),
    ///   or versions that are not 1, 2, 3, … in order.
    package static func pending(applied: [Int], known: [SchemaMigration]) throws(TokenStoreError) -> [SchemaMigration] {
        precondition(known.map(\.version) == Array(1...known.count), "migrations are numbered 1, 2, 3, … with no gaps")
        let applied = applied.sorted()
        if let newest = applied.last, newest > known.count {
            throw TokenStoreError(.corrupt, detail: "the database's schema is at version \(newest), newer than this library's \(known.count): upgrade the library")
        }
        guard applied == Array(1..<(applied.count + 1)) else {
            throw TokenStoreError(.corrupt, detail: "the database records schema versions \(applied), not 1 to \(applied.count) in order")
        }
        return Array(known.dropFirst(applied.count))
    }
}
