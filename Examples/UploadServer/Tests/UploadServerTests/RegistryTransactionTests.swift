import Foundation
import Logging
import MacaroonTokens
import Testing
@testable import UploadRegistry

/// The registry's transactions and its one-sdist-per-release rule, on SQLite and on PostgreSQL:
/// what a refused upload created (its project) does not remain.
@Suite(.serialized)
struct RegistryTransactionTests {
    struct Refused: Error {}

    static let databaseURL = ProcessInfo.processInfo.environment["MACAROONS_POSTGRES_URL"]

    @Test func sqlite() async throws {
        let work = try TemporaryDirectory()
        try await Self.check(.sqlite(path: work.path + "/registry.sqlite"))
    }

    @Test(.enabled(if: databaseURL != nil || Programs.inCI, "NOT RUN: MACAROONS_POSTGRES_URL is not set (run under scripts/with-postgres)"))
    func postgres() async throws {
        try await Self.check(try StoreURL(parsing: try #require(Self.databaseURL)))
    }

    static func check(_ url: StoreURL) async throws {
        try await RegistryStore.withStore(url, keyRing: try KeyRing(current: nil), logger: Logger(label: "test")) { store in
            let registry = store.registry
            let suffix = randomHex(bytes: 4)
            let user = try await registry.addUser(name: "tx-\(suffix)")
            let name = "tx-pkg-\(suffix)", other = "tx-other-\(suffix)"

            // Created, then refused: nothing remains; inside, the transaction saw its own project.
            await #expect(throws: Refused.self) {
                try await registry.transaction { transaction in
                    let created = try await transaction.projectCreatingIfNeeded(named: name, ownerID: user.id)
                    #expect(try await transaction.project(named: name) == created)
                    throw Refused()
                }
            }
            #expect(try await registry.project(named: name) == nil)

            // Committed: it remains.
            let project = try await registry.transaction { transaction in
                try await transaction.projectCreatingIfNeeded(named: name, ownerID: user.id)
            }
            #expect(try await registry.project(named: name) == project)

            // One sdist per release, also when two uploads race past the check (the unique index); wheels are not limited.
            @Sendable func file(_ filename: String, in projectID: String = project.id) -> RegistryFile {
                RegistryFile(
                    filename: filename, projectID: projectID, version: "1.0", sha256: String(repeating: "0", count: 64), size: 1,
                    uploaded: 0, storedName: filename)
            }
            let sdist = "tx_pkg_\(suffix)-1.0.tar.gz"
            try await registry.addFile(file(sdist), sdistRelease: "1", uploaderID: user.id)
            #expect(try await registry.fileConflict(filename: "tx_pkg_\(suffix)-1.0.0.tar.gz", projectID: project.id, sdistRelease: "1") == .sdistExists)
            #expect(try await registry.fileConflict(filename: sdist, projectID: nil, sdistRelease: nil) == .filenameTaken)
            #expect(try await registry.fileConflict(filename: "tx_pkg_\(suffix)-2.0.tar.gz", projectID: project.id, sdistRelease: "2") == nil)
            await #expect(throws: RegistryError.self) {
                try await registry.addFile(file("tx_pkg_\(suffix)-1.0.0.tar.gz"), sdistRelease: "1", uploaderID: user.id)
            }
            for wheel in ["tx_pkg_\(suffix)-1.0-py3-none-any.whl", "tx_pkg_\(suffix)-1.0-py2-none-any.whl"] {
                try await registry.addFile(file(wheel), sdistRelease: nil, uploaderID: user.id)
            }
            #expect(try await registry.files(ofProject: project.id).count == 3)

            // A statement that fails inside a transaction undoes the project created before it.
            await #expect(throws: RegistryError.duplicate("File already exists ('\(sdist)')")) {
                try await registry.transaction { transaction in
                    let created = try await transaction.projectCreatingIfNeeded(named: other, ownerID: user.id)
                    try await transaction.addFile(file(sdist, in: created.id), sdistRelease: nil, uploaderID: user.id)
                }
            }
            #expect(try await registry.project(named: other) == nil)
        }
    }
}
