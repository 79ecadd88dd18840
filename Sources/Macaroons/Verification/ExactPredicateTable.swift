#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exact-match predicates of a verifier, in an open-addressing hash table
/// keyed by a 64-bit multiply-xorshift hash of the bytes, eight at a time.
///
/// The table is built once from the server's predicates and never grows, so
/// hostile caveats can only probe it: a lookup costs one pass over the
/// caveat's bytes plus a few comparisons, with no hashing state to seed.
struct ExactPredicateTable: Sendable {
    private struct Entry: Sendable {
        var hash: UInt64
        var bytes: ArraySlice<UInt8>
    }

    /// A power of two at least twice the number of predicates; `nil` marks an empty slot.
    private let slots: [Entry?]

    init(_ predicates: [ArraySlice<UInt8>]) {
        var capacity = 8
        while capacity < predicates.count * 2 { capacity *= 2 }
        var slots = [Entry?](repeating: nil, count: capacity)
        for bytes in predicates {
            let hash = bytes.withUnsafeBytes(Self.hash)
            var index = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while let entry = slots[index] {
                if entry.hash == hash && entry.bytes == bytes { break }
                index = (index + 1) & (capacity - 1)
            }
            slots[index] = Entry(hash: hash, bytes: bytes)
        }
        self.slots = slots
    }

    /// Whether `bytes` equals one of the predicates.
    func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let hash = Self.hash(bytes)
        var index = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while let entry = slots[index] {
            if entry.hash == hash, entry.bytes.count == bytes.count,
               entry.bytes.withUnsafeBytes({ Self.equal($0, bytes) }) {
                return true
            }
            index = (index + 1) & (slots.count - 1)
        }
        return false
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = mix(hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        for (shift, byte) in bytes[offset...].enumerated() {
            tail |= UInt64(byte) << UInt64(shift * 8)
        }
        return mix(hash ^ tail)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
        return value &* 0x94D0_49BB_1331_11EB
    }

    private static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return lhs.count == rhs.count }
        return memcmp(left, right, lhs.count) == 0
    }
}
