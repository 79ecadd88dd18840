import ArgumentParser
import Macaroons
import MacaroonTokens
#if canImport(Glibc)
import Glibc
import _MacaroonInternals
#endif

/// Reading tokens and keys without exposing them in process lists.
enum Input {
    /// The largest input read from a file or standard input.
    static let maxBytes = 1 << 20

    /// The bytes of a token: the argument itself, or standard input when it is absent or `-`.
    /// Surrounding whitespace is trimmed unless the bytes are raw v2 binary.
    static func tokenBytes(_ argument: String?) throws -> [UInt8] {
        if let argument, argument != "-" {
            return Array(argument.trimmingWhitespace().utf8)
        }
        let bytes = trimmedUnlessBinary(try readAll(from: STDIN_FILENO, name: "standard input"))
        guard !bytes.isEmpty else { throw ToolError("no token given: pass one as an argument or on standard input") }
        return bytes
    }

    /// The bytes of a file, trimmed unless raw v2 binary.
    static func fileBytes(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ToolError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        return trimmedUnlessBinary(try readAll(from: descriptor, name: path))
    }

    private static func readAll(from descriptor: Int32, name: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ToolError("cannot read \(name): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += chunk[..<count]
            guard bytes.count <= maxBytes else { throw ToolError("\(name) is larger than \(maxBytes) bytes") }
        }
        return bytes
    }

    private static func trimmedUnlessBinary(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.first == 0x02 { return bytes }
        guard let start = bytes.firstIndex(where: { !Whitespace.contains($0) }),
              let end = bytes.lastIndex(where: { !Whitespace.contains($0) }) else { return [] }
        return Array(bytes[start...end])
    }

    /// Text bytes as a string, or an error naming `what`.
    static func text(_ bytes: [UInt8], what: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ToolError("\(what) is not UTF-8 text") }
        return text
    }
}

/// A service token or a plain macaroon in any format, as given on the command line.
struct PresentedToken {
    /// Set when the input is a service-prefixed token.
    var serviceToken: ServiceToken?
    var macaroon: Macaroon
    /// `service-token`, or a ``MacaroonFormat`` name (`v1`, `v2`, `v2-binary`, `v1-json`, `v2-json`).
    var format: String

    /// Parses `bytes` as a service token when it has a `prefix-` form, otherwise as any macaroon format.
    init(bytes: [UInt8]) throws {
        if ServiceToken.hasServicePrefix(bytes) {
            do {
                let token = try ServiceToken(parsing: String(decoding: bytes, as: UTF8.self))
                serviceToken = token
                macaroon = token.macaroon
                format = "service-token"
                return
            } catch {
                throw ToolError("invalid token: \(error.detail)")
            }
        }
        do {
            format = try MacaroonFormat.detect(bytes).rawValue
            macaroon = try Macaroon(decoding: bytes)
        } catch {
            throw ToolError("invalid macaroon: \(error)")
        }
    }

    /// The token re-encoded in its own form, after a change to its macaroon.
    func encoded(_ macaroon: Macaroon) throws -> String {
        if let serviceToken {
            return try ServiceToken(prefix: serviceToken.prefix, macaroon: macaroon).string
        }
        let format = MacaroonFormat(rawValue: format) ?? .v2
        do {
            return try macaroon.encodedString(as: format == .v2Binary ? .v2 : format)
        } catch {
            throw ToolError("cannot encode the macaroon: \(error)")
        }
    }
}

/// `--key-hex`, `--key-file`, `MACAROON_KEY` and `--raw-key`.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The root secret in hex (visible in process lists: prefer --key-file).", valueName: "hex"))
    var keyHex: String?

    @Option(name: .long, help: ArgumentHelp("A file holding the root secret in hex (as 'macaroon keygen' writes it).", valueName: "path"))
    var keyFile: String?

    @Flag(name: .long, help: "Use the 32-byte key as the signing key, without libmacaroons' key derivation.")
    var rawKey = false

    func validate() throws {
        if keyHex != nil && keyFile != nil { throw ValidationError("give --key-hex or --key-file, not both") }
    }

    /// The key, from the options or the `MACAROON_KEY` environment variable.
    func key() throws -> MacaroonKey {
        let hexText: String
        if let keyHex {
            hexText = keyHex
        } else if let keyFile {
            hexText = try Input.text(Input.fileBytes(keyFile), what: "the key file")
        } else if let environment = getenv("MACAROON_KEY") {
            hexText = String(cString: environment).trimmingWhitespace().description
        } else {
            throw ToolError("no key given: use --key-hex, --key-file or the MACAROON_KEY environment variable")
        }
        guard let secret = Hex.decode(hexText), !secret.isEmpty else { throw ToolError("the key is not hexadecimal") }
        if rawKey {
            do {
                return try MacaroonKey(rawBytes: secret)
            } catch {
                throw ToolError(error.detail)
            }
        }
        return MacaroonKey(derivingFrom: secret)
    }
}
