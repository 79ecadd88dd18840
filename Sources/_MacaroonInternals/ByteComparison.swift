// Public, because the inlinable comparison below calls `memcmp` (this target is internal to the package).
#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

extension UnsafeRawBufferPointer {
    /// Whether both buffers hold the same bytes (`memcmp`, not the element-by-element
    /// iteration of `elementsEqual`). Not constant time: for public data only.
    ///
    /// Inlinable: the verification paths call it for every caveat and identifier.
    @inlinable
    package func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard let left = baseAddress, let right = other.baseAddress else { return true }
        return memcmp(left, right, count) == 0
    }

    /// Whether both buffers hold the same bytes, in time that depends only on their lengths
    /// (which are not secret): the differences of 8-byte words are OR-ed together, with no
    /// branch on the bytes, as swift-crypto's `safeCompare` does bytewise. For secrets longer
    /// than a digest: libcrypto's `CRYPTO_memcmp` compares any length but 16 byte by byte
    /// (110 ns for a 190-byte token on this project's machine, against about 10 here).
    package func hasSameBytesInConstantTime(as other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        var difference: UInt64 = 0
        var offset = 0
        while offset + 8 <= count {
            difference |= loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                ^ other.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            difference |= UInt64(self[offset] ^ other[offset])
            offset += 1
        }
        return difference == 0
    }
}
