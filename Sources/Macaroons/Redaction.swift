import _MacaroonInternals

// Values that hold a key or a signature never show it: not through `print`
// (`description`), not through `debugPrint` or string interpolation in a
// debugger (`debugDescription`), and not through `dump` or `Mirror`
// (`customMirror`), which otherwise reflect stored properties one by one.

/// What a redacted value shows in place of its secret.
package let redactedText = "<redacted>"

extension MacaroonKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `MacaroonKey(<redacted>)`.
    public var description: String { "MacaroonKey(\(redactedText))" }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with no key bytes.
    public var customMirror: Mirror { Mirror(self, children: ["signingKey": redactedText], displayStyle: .struct) }
}

extension MacaroonSignature: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `MacaroonSignature(<redacted>)`.
    public var description: String { "MacaroonSignature(\(redactedText))" }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with no signature bytes.
    public var customMirror: Mirror { Mirror(self, children: ["bytes": redactedText], displayStyle: .struct) }
}

extension Macaroon: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The location, identifier (escaped, capped) and caveat count; never the signature.
    public var description: String {
        "Macaroon(location: \(Printable.bytes(location)), identifier: \(Printable.bytes(identifier)), "
            + "caveats: \(caveats.count), signature: \(redactedText))"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror whose signature is redacted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "location": Printable.bytes(location), "identifier": Printable.bytes(identifier),
            "caveats": caveats.count, "signature": redactedText,
        ], displayStyle: .struct)
    }
}
