import Macaroons
import _MacaroonInternals

/// Extracts a token from an HTTP `Authorization` header, as PyPI accepts it.
///
/// - `Basic base64("__token__:" + token)`: the username must be `__token__`;
///   whitespace around the password is trimmed (what `twine` sends).
/// - `Bearer <token>` and `token <token>`.
///
/// Schemes are case-insensitive. Any other scheme or username is an error.
public enum AuthorizationHeader {
    /// The username PyPI reserves for token authentication.
    public static let tokenUsername = "__token__"

    /// The token text carried by `header`.
    ///
    /// The header comes from a stranger: it is searched and compared as bytes
    /// (a scheme is an ASCII token, RFC 9110), never as `Character`s, whose
    /// comparison puts a run of combining marks in canonical order.
    @inlinable
    public static func token(from header: some StringProtocol) throws(TokenError) -> Substring {
        // Inlined into the caller, where `Substring(header)` is free for a `String` or a
        // `Substring`: the work below runs on one concrete type, not through generic witnesses.
        try token(inHeader: Substring(header))
    }

    @usableFromInline
    static func token(inHeader header: Substring) throws(TokenError) -> Substring {
        let trimmed = header.trimmingWhitespace()
        guard let space = trimmed.utf8.firstIndex(of: UInt8(ascii: " ")) else {
            throw TokenError(.invalidAuthorizationHeader, detail: "the Authorization header has no credentials after its scheme")
        }
        let scheme = trimmed.utf8[..<space]
        let credentials = trimmed[space...].trimmingWhitespace()
        guard !credentials.isEmpty else {
            throw TokenError(.invalidAuthorizationHeader, detail: "the Authorization header has no credentials after its scheme")
        }
        if isScheme(scheme, "bearer") || isScheme(scheme, "token") {
            return credentials
        }
        guard isScheme(scheme, "basic") else {
            throw TokenError(.invalidAuthorizationHeader, detail: "unsupported Authorization scheme \(Printable.text(String(trimmed[..<space]), limit: 16))")
        }
        let decoded: [UInt8]
        do {
            decoded = try Array(credentials.utf8).withUnsafeBufferPointer { (buffer) throws(Base64Error) in
                try Base64.decode(buffer, strictness: .anyPeerSpelling)
            }
        } catch {
            throw TokenError(.invalidAuthorizationHeader, detail: "Basic credentials are not base64: \(error.detail)")
        }
        // Bytes, not `String`: the user name is compared exactly and in linear time.
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
              let password = UTF8Text.string(decoded[(colon + 1)...]) else {
            throw TokenError(.invalidAuthorizationHeader, detail: "Basic credentials must be 'username:password' in UTF-8")
        }
        guard UTF8Text.bytes(decoded[..<colon], equal: tokenUsername) else {
            // Never echoed: people paste the token into the user name too.
            throw TokenError(.invalidAuthorizationHeader,
                             detail: "token authentication needs the username '\(tokenUsername)', got another (\(colon) bytes)")
        }
        return password[...].trimmingWhitespace()
    }

    /// Whether `bytes` spell `name` (lowercase ASCII letters) in any ASCII case.
    private static func isScheme(_ bytes: Substring.UTF8View, _ name: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        // For a lowercase letter, `byte | 0x20` equals it only for that letter and its capital.
        return bytes.count == expected.count && zip(bytes, expected).allSatisfy { $0 | 0x20 == $1 }
    }
}
