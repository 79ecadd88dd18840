import Macaroons
import _MacaroonInternals

/// A token row as every backend stores it, column for column (see Specs/token-store.md):
/// the one place where tokens are minted for storage and rows are turned back into records.
package struct StoredTokenRow: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package var id: String
    package var userID: String?
    package var publisherID: String?
    /// The `description` column.
    package var name: String
    package var created: Int64
    package var lastUsed: Int64?
    package var expires: Int64?
    /// The issued caveats as one JSON array of caveats, e.g. `[[3,"user-id"],[1,["foo"]]]`.
    package var caveats: String
    package var additional: String?
    /// The key-encryption key's id; `nil` when ``rootKey`` is the raw key.
    package var keyID: String?
    /// The sealed root key (`nonce || secretbox`), or the raw 32 bytes when ``keyID`` is `nil`.
    package var rootKey: [UInt8]

    package init(
        id: String, userID: String?, publisherID: String?, name: String, created: Int64, lastUsed: Int64?,
        expires: Int64?, caveats: String, additional: String?, keyID: String?, rootKey: [UInt8]
    ) {
        self.id = id
        self.userID = userID
        self.publisherID = publisherID
        self.name = name
        self.created = created
        self.lastUsed = lastUsed
        self.expires = expires
        self.caveats = caveats
        self.additional = additional
        self.keyID = keyID
        self.rootKey = rootKey
    }

    /// The id and key id; never the key.
    package var description: String { "StoredTokenRow(id: \(id), keyID: \(keyID ?? "none"), rootKey: <redacted>)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["id": id, "keyID": keyID as Any, "rootKey": "<redacted>"], displayStyle: .struct) }

    /// The longest name, in bytes.
    package static let maxNameLength = 255
    /// The longest `additional`, in bytes.
    package static let maxAdditionalLength = 64 * 1024
    /// The longest owner id, in bytes.
    package static let maxOwnerIDLength = 255

    /// Mints a token for `new` with a fresh id and secret, and the row that stores it.
    package static func mint(_ new: NewToken, now: Int64, keyRing: KeyRing) throws(TokenStoreError) -> (row: StoredTokenRow, minted: MintedStoredToken) {
        try validate(new, now: now)
        var issued: [any TaggedUploadCaveat] = []
        do throws(CaveatError) {
            switch new.owner {
            case .user(let id): issued.append(try RequestUserCaveat(userID: id))
            case .trustedPublisher(let id): issued.append(try TrustedPublisherCaveat(publisherID: id))
            }
            issued += new.caveats
            if let expires = new.expires { issued.append(try ExpirationCaveat(expiresAt: expires, notBefore: now)) }
        } catch {
            throw TokenStoreError(.invalidArgument, detail: error.detail)
        }
        let id = randomUUID()
        let secret = MacaroonKey.generateSecret()
        let token: ServiceToken
        do throws(TokenError) {
            token = try ServiceToken(prefix: new.prefix, location: new.location, identifier: id, secret: secret, caveats: issued)
        } catch {
            throw TokenStoreError(.invalidArgument, detail: error.detail)
        }
        let key = MacaroonKey(derivingFrom: secret)
        let sealed = keyRing.seal(key)
        let encodedCaveats = issued.map(\.encoded)
        let row = StoredTokenRow(
            id: id, userID: new.owner.userID, publisherID: new.owner.publisherID, name: new.name, created: now,
            lastUsed: nil, expires: new.expires, caveats: encodeCaveats(encodedCaveats), additional: new.additional,
            keyID: sealed.keyID, rootKey: sealed.bytes)
        let info = TokenInfo(
            id: id, owner: new.owner, name: new.name, created: now, expires: new.expires, caveats: encodedCaveats,
            additional: new.additional, keyID: sealed.keyID)
        return (row, MintedStoredToken(token: token.string, info: info))
    }

    /// The row's information, without opening its key.
    package func info() throws(TokenStoreError) -> TokenInfo {
        guard let owner = TokenOwner(userID: userID, publisherID: publisherID) else {
            throw TokenStoreError(.corrupt, detail: "token row \(id) does not have exactly one owner")
        }
        return TokenInfo(
            id: id, owner: owner, name: name, created: created, lastUsed: lastUsed, expires: expires,
            caveats: try Self.decodeCaveats(caveats, rowID: id), additional: additional, keyID: keyID)
    }

    /// The row as a record, its key opened with `keyRing`.
    package func record(keyRing: KeyRing) throws(TokenStoreError) -> TokenRecord {
        TokenRecord(info: try info(), rootKey: try keyRing.open(keyID: keyID, bytes: rootKey))
    }

    /// This row with its key re-sealed under the ring's current key, or `nil` when it needs no rewrap.
    package func rewrapped(keyRing: KeyRing) throws(TokenStoreError) -> StoredTokenRow? {
        guard keyRing.sealsKeys, keyRing.needsRewrap(keyID: keyID) else { return nil }
        let sealed = keyRing.seal(try keyRing.open(keyID: keyID, bytes: rootKey))
        var row = self
        row.keyID = sealed.keyID
        row.rootKey = sealed.bytes
        return row
    }

    /// `[c1,c2,...]` from encoded caveats (each already compact JSON).
    package static func encodeCaveats(_ caveats: [[UInt8]]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, caveat) in caveats.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += caveat
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The caveats of a `caveats` column, each as its own bytes.
    package static func decodeCaveats(_ text: String, rowID: String) throws(TokenStoreError) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        let spans: [Range<Int>]? = bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, maxDepth: MacaroonLimits.default.maxJSONDepth)
            guard parser.consume(UInt8(ascii: "[")) else { return nil }
            var spans: [Range<Int>] = []
            if parser.consume(UInt8(ascii: "]")) { return parser.isAtEnd ? spans : nil }
            repeat {
                parser.skipWhitespace()
                let start = parser.position
                guard (try? parser.skipValue(depth: 1)) != nil else { return nil }
                spans.append(start..<parser.position)
            } while parser.consume(UInt8(ascii: ","))
            guard parser.consume(UInt8(ascii: "]")) else { return nil }
            parser.skipWhitespace()
            return parser.isAtEnd ? spans : nil
        }
        guard let spans else { throw TokenStoreError(.corrupt, detail: "token row \(rowID) has a caveats column that is not a JSON array") }
        return spans.map { Array(bytes[$0]) }
    }

    private static func validate(_ new: NewToken, now: Int64) throws(TokenStoreError) {
        guard (1...maxNameLength).contains(new.name.utf8.count) else {
            throw TokenStoreError(.invalidArgument, detail: "a token name is 1 to \(maxNameLength) bytes, got \(new.name.utf8.count)")
        }
        guard (1...maxOwnerIDLength).contains(new.owner.id.utf8.count) else {
            throw TokenStoreError(.invalidArgument, detail: "an owner id is 1 to \(maxOwnerIDLength) bytes, got \(new.owner.id.utf8.count)")
        }
        // PostgreSQL's text cannot hold U+0000: refused by every backend alike, never an outage on one of them.
        guard !new.name.utf8.contains(0), !new.owner.id.utf8.contains(0) else {
            throw TokenStoreError(.invalidArgument, detail: "a token name or owner id contains a NUL character")
        }
        if let expires = new.expires, expires <= now {
            throw TokenStoreError(.invalidArgument, detail: "the expiry \(UnixTime.format(expires)) is not after the minting time \(UnixTime.format(now))")
        }
        if let additional = new.additional {
            guard additional.utf8.count <= maxAdditionalLength else {
                throw TokenStoreError(.invalidArgument, detail: "additional data is \(additional.utf8.count) bytes, over the limit of \(maxAdditionalLength)")
            }
            let value: JSONValue
            do throws(JSONSyntaxError) {
                value = try JSONParser.parse(Array(additional.utf8)[...], maxDepth: MacaroonLimits.default.maxJSONDepth)
            } catch {
                throw TokenStoreError(.invalidArgument, detail: "additional data is not valid JSON (byte \(error.offset): \(error.detail))")
            }
            guard case .object = value else {
                throw TokenStoreError(.invalidArgument, detail: "additional data must be a JSON object, got \(value.typeName)")
            }
        }
    }

    /// A random (version 4) UUID in lowercase text.
    private static func randomUUID() -> String {
        var bytes = Array(MacaroonKey.generateSecret().prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = Array(Hex.encode(bytes).utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, digit) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            text.append(digit)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
