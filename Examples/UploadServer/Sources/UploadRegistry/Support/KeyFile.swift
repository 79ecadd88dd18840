import Crypto
import Foundation
import MacaroonTokens

/// A key-encryption key read from a file holding 64 hexadecimal digits
/// (`--kek-file`). Its id, stored next to every root key it seals, is derived
/// from the key itself, so that a server given another key knows at once which
/// rows it cannot open.
enum KeyFile {
    /// Reads the key in `path`.
    static func read(_ path: String) throws -> KeyEncryptionKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RegistryError.invalid("cannot read the key-encryption key file \(path)")
        }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard hex.utf8.count == 64 else {
            throw RegistryError.invalid("the key-encryption key file \(path) must hold 64 hexadecimal digits")
        }
        // A one-way, domain-separated fingerprint: names the key without revealing it.
        let digest = SHA256.hash(data: Data(("upload-server key id:" + hex.lowercased()).utf8))
        let id = "kek-" + digest.prefix(6).map { String(format: "%02x", $0) }.joined()
        return try KeyEncryptionKey(id: id, hex: hex)
    }

    /// The key ring of a command: sealing with `current` (unsealed without one), opening also with `previous`.
    static func ring(current: String?, previous: [String]) throws -> KeyRing {
        try KeyRing(current: current.map(read), previous: previous.map(read))
    }
}
