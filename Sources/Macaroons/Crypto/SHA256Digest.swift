/// A 32-byte SHA-256 or HMAC-SHA256 output, held inline so that the signature
/// chain runs without touching the heap.
struct SHA256Digest: Sendable {
    /// The 32 bytes, as four machine words (a homogeneous tuple is laid out contiguously).
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The number of bytes in a digest.
    static let byteCount = 32

    /// All-zero bytes: the key of the discharge-binding hash.
    static let zero = SHA256Digest()

    init() {}

    /// Copies exactly 32 bytes; `nil` for any other length.
    init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        withUnsafeMutableBytes { destination in
            if bytes.withContiguousStorageIfAvailable({ destination.copyMemory(from: UnsafeRawBufferPointer($0)) }) == nil {
                destination.copyBytes(from: bytes)
            }
        }
    }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words, body)
    }

    mutating func withUnsafeMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        try Swift.withUnsafeMutableBytes(of: &words, body)
    }

    /// The bytes as an array.
    var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}
