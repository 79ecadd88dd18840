/// UTF-8 validation and comparison for the verification paths.
///
/// `String(validating:as:)` looks up generic runtime metadata on every call
/// (about 600 instructions, a fifth of the non-HMAC work of verifying an upload
/// token); these check the bytes with a specialized decoder and build the
/// string with `String(decoding:as:)`, which has a fast path for valid UTF-8.
package enum UTF8Text {
    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
    package static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // ASCII is the common case: look for a high bit eight bytes at a time.
        let raw = UnsafeRawBufferPointer(bytes)
        var highBits: UInt64 = 0
        var offset = 0
        while offset + 8 <= raw.count {
            highBits |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < raw.count {
            highBits |= UInt64(raw[offset])
            offset += 1
        }
        if highBits & 0x8080_8080_8080_8080 == 0 { return true }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// The text of `bytes`, or `nil` if they are not well-formed UTF-8.
    package static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// The text of `bytes`, or `nil` if they are not well-formed UTF-8.
    package static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer(string)
    }

    /// Whether `bytes` are exactly the UTF-8 of `text` (a byte comparison, not
    /// the element-by-element iteration of `elementsEqual`).
    package static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, equal text: String) -> Bool {
        var text = text
        return text.withUTF8 { UnsafeRawBufferPointer(bytes).hasSameBytes(as: UnsafeRawBufferPointer($0)) }
    }

    /// Whether `bytes` are exactly the UTF-8 of `text`.
    package static func bytes(_ bytes: ArraySlice<UInt8>, equal text: String) -> Bool {
        bytes.withUnsafeBufferPointer { self.bytes($0, equal: text) }
    }

    /// Whether `text` is ASCII. Between ASCII strings, `String`'s `==` and hashing are those of the
    /// bytes (canonical equivalence changes no ASCII string), so a dictionary keyed by `String`
    /// compares only ASCII keys exactly: strangers' keys are checked with this first.
    @inlinable
    package static func isASCII(_ text: String) -> Bool {
        // Inlinable, on the contiguous bytes of a native string (a token store asks for every lookup).
        var text = text
        return text.withUTF8 { bytes in
            var bits: UInt8 = 0
            for byte in bytes { bits |= byte }
            return bits < 0x80
        }
    }

    /// Whether two strings have exactly the same UTF-8 bytes: the "exact"
    /// comparison of the specs. `String`'s `==` compares canonical equivalence
    /// instead (the Kelvin sign U+212A equals `K`, NFD equals NFC), in time that
    /// grows faster than linearly with runs of combining marks.
    package static func equal(_ lhs: String, _ rhs: String) -> Bool {
        var rhs = rhs
        return rhs.withUTF8 { bytes($0, equal: lhs) }
    }

    /// Whether two lists of strings are the same length and pairwise ``equal(_:_:)``.
    package static func equal(_ lhs: [String], _ rhs: [String]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { equal($0, $1) }
    }

    /// Feeds the UTF-8 bytes of `text` to `hasher` (linear; `String`'s own hashing
    /// normalizes, quadratically on runs of combining marks), with its length so that
    /// lists of strings hash unambiguously. The hash that goes with ``equal(_:_:)``.
    package static func hash(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }

    /// Whether two sets hold the same strings as UTF-8 bytes (a `Set<String>` holds
    /// one of each canonically equivalent group, so equal counts and a byte-equal
    /// partner for each element mean the same strings).
    package static func equal(_ lhs: Set<String>, _ rhs: Set<String>) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy { element in rhs.contains { equal($0, element) } }
    }

    /// Whether two dictionaries map the same keys to the same values, all as UTF-8 bytes.
    package static func equal(_ lhs: [String: String], _ rhs: [String: String]) -> Bool {
        lhs.count == rhs.count
            && lhs.allSatisfy { entry in rhs.contains { equal($0.key, entry.key) && equal($0.value, entry.value) } }
    }

    /// Hashes a set's strings as UTF-8 bytes, whatever their order.
    package static func hash(_ set: Set<String>, into hasher: inout Hasher) {
        hasher.combine(set.count)
        hasher.combine(set.reduce(0) { sum, element in
            var elementHasher = Hasher()
            hash(element, into: &elementHasher)
            return sum &+ elementHasher.finalize()
        })
    }

    /// Hashes a dictionary's keys and values as UTF-8 bytes, whatever their order.
    package static func hash(_ dictionary: [String: String], into hasher: inout Hasher) {
        hasher.combine(dictionary.count)
        hasher.combine(dictionary.reduce(0) { sum, entry in
            var entryHasher = Hasher()
            hash(entry.key, into: &entryHasher)
            hash(entry.value, into: &entryHasher)
            return sum &+ entryHasher.finalize()
        })
    }
}
