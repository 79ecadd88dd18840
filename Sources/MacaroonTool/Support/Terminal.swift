#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output, with colour and symbols only when standard output is a terminal.
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

    /// Writes one line to standard error.
    static func standardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }
}
