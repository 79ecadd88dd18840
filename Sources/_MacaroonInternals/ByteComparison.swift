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
}
