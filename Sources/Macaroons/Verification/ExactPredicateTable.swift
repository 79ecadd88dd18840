import _MacaroonInternals

/// The exact-match predicates of a verifier, in an open-addressing hash table
/// keyed by a 64-bit multiply-xorshift hash of the bytes, eight at a time.
///
/// The table is built once from the server's predicates and never grows, so
/// hostile caveats can only probe it: a lookup costs one pass over the
/// caveat's bytes plus a few comparisons, with no hashing state to seed. The
/// predicates' bytes sit end to end in one array and the slots are plain
/// integers, so a lookup touches no reference counts.
///
/// Lookups are inlinable, so that the one-pass verifier's caveat loop runs them
/// in the caller's specialization.
@usableFromInline
struct ExactPredicateTable: Sendable {
    @usableFromInline
    struct Slot: Sendable {
        /// Whether a predicate is in this slot (a predicate may be zero bytes long).
        @usableFromInline var isOccupied = false
        @usableFromInline var hash: UInt64 = 0
        /// Where the predicate's bytes are in `storage`.
        @usableFromInline var start = 0
        @usableFromInline var count = 0

        init(isOccupied: Bool = false, hash: UInt64 = 0, start: Int = 0, count: Int = 0) {
            self.isOccupied = isOccupied
            self.hash = hash
            self.start = start
            self.count = count
        }
    }

    /// A power of two at least twice the number of predicates.
    @usableFromInline let slots: [Slot]
    /// Every distinct predicate's bytes, end to end.
    @usableFromInline let storage: [UInt8]

    init(_ predicates: [ArraySlice<UInt8>]) {
        var capacity = 8
        while capacity < predicates.count * 2 { capacity *= 2 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        var storage: [UInt8] = []
        for bytes in predicates {
            let hash = bytes.withUnsafeBytes(Self.hash)
            var index = Int(truncatingIfNeeded: hash) & (capacity - 1)
            var isDuplicate = false
            while slots[index].isOccupied && !isDuplicate {
                let slot = slots[index]
                isDuplicate = slot.hash == hash && storage[slot.start..<(slot.start + slot.count)].elementsEqual(bytes)
                index = (index + 1) & (capacity - 1)
            }
            guard !isDuplicate else { continue }
            slots[index] = Slot(isOccupied: true, hash: hash, start: storage.count, count: bytes.count)
            storage.append(contentsOf: bytes)
        }
        self.slots = slots
        self.storage = storage
    }

    /// Whether `bytes` equals one of the predicates.
    @inlinable
    func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let hash = Self.hash(bytes)
        return slots.withUnsafeBufferPointer { slots in
            storage.withUnsafeBytes { storage in
                let mask = slots.count - 1
                var index = Int(truncatingIfNeeded: hash) & mask
                while slots[index].isOccupied {
                    let slot = slots[index]
                    if slot.hash == hash,
                       Self.same(UnsafeRawBufferPointer(rebasing: storage[slot.start..<(slot.start + slot.count)]), bytes) {
                        return true
                    }
                    index = (index + 1) & mask
                }
                return false
            }
        }
    }

    /// Whether both buffers hold the same bytes (`memcmp`; not inlinable into other
    /// modules, which cannot see the package's internal byte comparison).
    @usableFromInline
    static func same(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        left.hasSameBytes(as: right)
    }

    @inlinable
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        var offset = 0
        while offset + 8 <= count {
            hash = mix(hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        guard offset < count else { return hash }
        // The last partial word: the final eight bytes (overlapping words already
        // mixed) or, for inputs shorter than eight bytes, the bytes themselves.
        let tail: UInt64
        if count >= 8 {
            tail = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            var word: UInt64 = 0
            for index in 0..<count { word |= UInt64(bytes[index]) << UInt64(index * 8) }
            tail = word
        }
        return mix(hash ^ tail)
    }

    @inlinable
    static func mix(_ value: UInt64) -> UInt64 {
        var value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
        return value &* 0x94D0_49BB_1331_11EB
    }
}
