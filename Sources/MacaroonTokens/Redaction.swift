import Macaroons
import _MacaroonInternals

// As in the Macaroons module: a token's text and a minted secret never show
// through `description`, `debugDescription` or `Mirror` (`dump`).

extension ServiceToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the prefix and identifier only; the token itself is never printed.
    public var description: String {
        "ServiceToken(prefix: \(prefix), identifier: \(Printable.bytes(macaroon.identifier)), caveats: \(macaroon.caveats.count))"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the prefix and the (redacted) macaroon.
    public var customMirror: Mirror {
        Mirror(self, children: ["prefix": prefix, "macaroon": macaroon], displayStyle: .struct)
    }
}

extension MintedToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token's description; the secret is redacted.
    public var description: String { "MintedToken(token: \(token), secret: \(redactedText))" }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the (redacted) token and no secret bytes.
    public var customMirror: Mirror {
        Mirror(self, children: ["token": token, "secret": redactedText], displayStyle: .struct)
    }
}
