import Foundation
import GRDB
import GRDBSQLite
import NIOCore
import SQLiteNIO

// A table shaped like the token store's (11 columns, a 72-byte sealed key), 10,001 rows,
// WAL mode; one row looked up by its text primary key, again and again, through:
//   grdb-row        GRDB DatabasePool.unsafeRead, cached statement, Row cursor decoding
//   grdb-columns    the same read, columns read with SQLite's C interface (the store's path before
//                   SQLiteReaderPool)
//   sqlite-nio      SQLiteNIO SQLiteConnection.query (async; prepares per query, runs on NIOThreadPool)
//   c-floor         one connection, one prepared statement, C interface, no driver (the floor;
//                   the store's path now, plus a locked checkout)
// Samples are taken in interleaved rounds so that a change in the machine's load hits all alike.

let rounds = 5
let perRound = 4_000
let columns = "id, user_id, publisher_id, description, created, last_used, expires, caveats, additional, key_id, root_key"
let select = "SELECT \(columns) FROM tokens WHERE id = ?"

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

struct TokenRow {
    var id: String, userID: String?, publisherID: String?, name: String, created: Int64, lastUsed: Int64?, expires: Int64?
    var caveats: String, additional: String?, keyID: String?, rootKey: [UInt8]
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-drivers-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let path = directory.appendingPathComponent("tokens.sqlite").path

let pool = try DatabasePool(path: path)
let measuredID = "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d10"
try pool.write { db in
    try db.execute(sql: """
        CREATE TABLE tokens (
            id TEXT PRIMARY KEY NOT NULL, user_id TEXT, publisher_id TEXT, description TEXT NOT NULL,
            created INTEGER NOT NULL, last_used INTEGER, expires INTEGER, caveats TEXT NOT NULL,
            additional TEXT, key_id TEXT, root_key BLOB NOT NULL)
        """)
    for index in 0...10_000 {
        let id = index == 10_000 ? measuredID : UUID().uuidString.lowercased()
        try db.execute(
            sql: "INSERT INTO tokens (\(columns)) VALUES (?, ?, NULL, ?, 1700000000, NULL, NULL, ?, NULL, 'kek-1', ?)",
            arguments: [id, "user-\(index & 0xff)", "token \(index)", #"[[3,"user-\#(index & 0xff)"],[1,["sampleproject"]]]"#,
                        Data(repeating: UInt8(index & 0xff), count: 72)])
    }
}

func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
    guard sqlite3_column_type(statement, column) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, column) else { return nil }
    return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
}

func integer(_ statement: OpaquePointer, _ column: Int32) -> Int64? {
    sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
}

/// Steps `statement` bound to `id` and decodes the row with the C interface.
func cRow(_ statement: OpaquePointer, id: String) -> TokenRow? {
    defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
    var id = id
    let code = id.withUTF8 { bytes in
        sqlite3_bind_text(statement, 1, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        return sqlite3_step(statement)
    }
    guard code == SQLITE_ROW else { return nil }
    let count = Int(sqlite3_column_bytes(statement, 10))
    return TokenRow(
        id: id, userID: text(statement, 1), publisherID: text(statement, 2), name: text(statement, 3)!, created: integer(statement, 4)!,
        lastUsed: integer(statement, 5), expires: integer(statement, 6), caveats: text(statement, 7)!, additional: text(statement, 8),
        keyID: text(statement, 9), rootKey: [UInt8](UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, 10), count: count)))
}

func grdbRow(_ id: String) throws -> TokenRow? {
    try pool.unsafeRead { db in
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: select), arguments: [id])
        return try withExtendedLifetime(cursor) {
            try cursor.next().map { row in
                TokenRow(
                    id: try row.decode(atIndex: 0), userID: try row.decode(atIndex: 1), publisherID: try row.decode(atIndex: 2),
                    name: try row.decode(atIndex: 3), created: try row.decode(atIndex: 4), lastUsed: try row.decode(atIndex: 5),
                    expires: try row.decode(atIndex: 6), caveats: try row.decode(atIndex: 7), additional: try row.decode(atIndex: 8),
                    keyID: try row.decode(atIndex: 9), rootKey: try row.withUnsafeData(atIndex: 10) { $0.map { [UInt8]($0) } ?? [] })
            }
        }
    }
}

func grdbColumns(_ id: String) throws -> TokenRow? {
    try pool.unsafeRead { db in cRow(try db.cachedStatement(sql: select).sqliteStatement, id: id) }
}

// The floor: one raw connection and statement of our own.
var floorConnection: OpaquePointer?
guard sqlite3_open_v2(path, &floorConnection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else { fatalError("open") }
var floorStatement: OpaquePointer?
guard sqlite3_prepare_v2(floorConnection, select, -1, &floorStatement, nil) == SQLITE_OK, let floorStatement else { fatalError("prepare") }

let nio: SQLiteNIO.SQLiteConnection = try await SQLiteNIO.SQLiteConnection.open(storage: .file(path: path))
func nioRow(_ id: String) async throws -> TokenRow? {
    let rows: [SQLiteRow] = try await nio.query(select, [SQLiteData.text(id)])
    guard let row = rows.first else { return nil }
    func text(_ name: String) -> String? { row.column(name)?.string }
    func integer(_ name: String) -> Int64? { row.column(name)?.integer.map { Int64($0) } }
    let key: ByteBuffer? = row.column("root_key")?.blob
    return TokenRow(
        id: text("id")!, userID: text("user_id"), publisherID: text("publisher_id"), name: text("description")!,
        created: integer("created")!, lastUsed: integer("last_used"), expires: integer("expires"), caveats: text("caveats")!,
        additional: text("additional"), keyID: text("key_id"), rootKey: key.map { Array($0.readableBytesView) } ?? [])
}

let scenarios = ["grdb-row", "grdb-columns", "sqlite-nio", "c-floor"]
var samples: [String: [Duration]] = [:]
let clock = ContinuousClock()
print("sqlite-drivers: GRDB 7.10.0 (system SQLite \(String(cString: sqlite3_libversion()))), sqlite-nio 1.13.2 (bundled SQLite \(SQLiteNIO.SQLiteConnection.libraryVersionString()))")
print("load average at start: \(loadAverage())")
for round in 0...rounds {
    for scenario in scenarios {
        var durations: [Duration] = []
        durations.reserveCapacity(perRound)
        for _ in 0..<perRound {
            let start = clock.now
            let row: TokenRow?
            switch scenario {
            case "grdb-row": row = try grdbRow(measuredID)
            case "grdb-columns": row = try grdbColumns(measuredID)
            case "sqlite-nio": row = try await nioRow(measuredID)
            default: row = cRow(floorStatement, id: measuredID)
            }
            durations.append(start.duration(to: clock.now))
            precondition(row?.rootKey.count == 72)
        }
        if round > 0 { samples[scenario, default: []] += durations }  // round 0 warms up
    }
}
print("load average at end: \(loadAverage())")

func microseconds(_ duration: Duration) -> String {
    let nanoseconds = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    return String(format: "%.2f µs", nanoseconds / 1000)
}
print("| driver, path | p50 | p90 | p99 | samples |")
print("|---|---|---|---|---|")
for scenario in scenarios {
    let sorted = samples[scenario]!.sorted()
    func percentile(_ p: Double) -> Duration { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    print("| \(scenario) | \(microseconds(percentile(0.5))) | \(microseconds(percentile(0.9))) | \(microseconds(percentile(0.99))) | \(sorted.count) |")
}
try await nio.close()
sqlite3_finalize(floorStatement)
sqlite3_close(floorConnection)
