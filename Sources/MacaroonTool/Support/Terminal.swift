#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Macaroons
import _MacaroonInternals

/// Output, with colour and symbols only when standard output is a terminal.
///
/// Tokens come from strangers: every piece of text taken from one (or from an
/// error about one) goes through ``safe(_:)`` before it is printed, and JSON
/// output through ``asciiJSON(_:)``, so no byte of a token can act on the
/// terminal that shows it.
enum Terminal {
    static let isInteractive = isatty(STDOUT_FILENO) == 1

    enum Style: String {
        case green = "32", red = "31", bold = "1", dim = "2"
    }

    static func styled(_ text: String, _ style: Style) -> String {
        isInteractive ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// `✔ ALLOWED` on a terminal, `ALLOWED` otherwise.
    static func verdict(_ allowed: Bool) -> String {
        let word = allowed ? "ALLOWED" : "DENIED"
        guard isInteractive else { return word }
        return styled((allowed ? "✔ " : "✘ ") + word, allowed ? .green : .red)
    }

    /// `text` with control, format and separator characters written as `\u{…}`,
    /// cut at 2 KiB.
    static func safe(_ text: String) -> String {
        Printable.message(text)
    }

    /// JSON text with every character outside printable ASCII written as a
    /// `\uXXXX` escape (surrogate pairs above U+FFFF): the same JSON value, and
    /// nothing a terminal interprets. Characters outside strings are ASCII already.
    static func asciiJSON(_ json: String) -> String {
        var output = ""
        output.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                output.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return output
    }

    /// The shortest run of base64 or hex characters taken for a secret in an error line:
    /// longer than a UUID (36), shorter than a 32-byte key in base64 (43) or hex (64).
    static let secretRunLength = 40

    /// `text` with every run of at least ``secretRunLength`` characters from the base64
    /// and hex alphabets (what tokens, keys and signatures are written in) replaced by
    /// `<redacted N characters>`: a token or key given in the wrong place must not come
    /// back in an error line (and from there into a CI log).
    static func redactingSecrets(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var run = String.UnicodeScalarView()
        func endRun() {
            if run.count >= secretRunLength {
                output.append(contentsOf: "<redacted \(run.count) characters>".unicodeScalars)
            } else {
                output.append(contentsOf: run)
            }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_+=".unicodeScalars.contains(scalar)) {
                run.append(scalar)
            } else {
                endRun()
                output.append(scalar)
            }
        }
        endRun()
        return String(output)
    }

    /// Writes one line to standard error, made ``safe(_:)``, with secrets redacted (``redactingSecrets(_:)``).
    static func standardError(_ line: String) {
        let bytes = Array((safe(redactingSecrets(line)) + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}
