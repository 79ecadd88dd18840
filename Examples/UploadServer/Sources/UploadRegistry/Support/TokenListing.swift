import MacaroonTokens

/// A token as `tokens list --json` and `GET /api/tokens` show it: never a secret.
struct TokenListing: Codable {
    let id: String
    /// The owner's name (the command lists every user's tokens; the API only the caller's, without it).
    let user: String?
    let name: String
    let created: Int64
    let lastUsed: Int64?
    let expires: Int64?
    let caveats: [String]

    init(_ info: TokenInfo, user: String? = nil) {
        id = info.id
        self.user = user
        name = info.name
        created = info.created
        lastUsed = info.lastUsed
        expires = info.expires
        caveats = info.caveats.map { String(decoding: $0, as: UTF8.self) }
    }
}
