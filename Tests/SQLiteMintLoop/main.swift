// Mints tokens into an SQLite token store, printing each id once its mint has
// returned, until killed. `sqlite-mint-loop PATH`. The SQLite tests SIGKILL it
// mid-run and check that the file holds no half-written token.
#if SQLite
import Foundation
import MacaroonSQLite
import MacaroonTokens

let path = CommandLine.arguments[1]
let kek = try KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32))
let store = try SQLiteTokenStore(path: path, keyRing: KeyRing(kek))
var index = 0
while true {
    let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "token \(index)", location: "pypi.org"))
    print(minted.info.id)
    fflush(nil)
    index += 1
}
#else
print("built without the SQLite trait")
#endif
