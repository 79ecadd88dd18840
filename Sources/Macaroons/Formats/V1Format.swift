import _MacaroonInternals

/// The libmacaroons v1 format: a sequence of packets, each
/// `HHHH key SP value LF`, where `HHHH` is the length of the whole packet in
/// four lowercase hex digits (so a packet is at most 65,535 bytes).
///
/// Packet order: `location`, `identifier`, then per caveat `cid` with `vid`
/// and `cl` for a third-party caveat, then `signature` (32 raw bytes). The
/// text form is the base64 of the packets. We leave out an empty `cl`;
/// go-macaroon writes it, and an empty `cl` reads as no location.
enum V1Format: FieldReadingFormat {
    private static let headerLength = 4
    private static let maxPacketLength = 0xFFFF

    private enum Key {
        case location, identifier, cid, vid, cl, signature

        /// The key as it appears in a packet.
        var spelling: StaticString {
            switch self {
            case .location: "location"
            case .identifier: "identifier"
            case .cid: "cid"
            case .vid: "vid"
            case .cl: "cl"
            case .signature: "signature"
            }
        }

        /// The key that starts at `start` in `bytes` and is followed by a space before `end`, if any.
        init?(at start: Int, before end: Int, in bytes: UnsafeBufferPointer<UInt8>) {
            // The first byte and the position of the space tell the candidate apart.
            let candidate: Key
            switch bytes[start] {
            case UInt8(ascii: "c"): candidate = start + 2 < end && bytes[start + 2] == UInt8(ascii: " ") ? .cl : .cid
            case UInt8(ascii: "v"): candidate = .vid
            case UInt8(ascii: "l"): candidate = .location
            case UInt8(ascii: "i"): candidate = .identifier
            case UInt8(ascii: "s"): candidate = .signature
            default: return nil
            }
            let spelling = candidate.spelling
            let length = spelling.utf8CodeUnitCount
            guard start + length < end, bytes[start + length] == UInt8(ascii: " ") else { return nil }
            // Eight bytes at a time, then one at a time; differing bytes leave bits set in `difference`.
            // (Inline rather than `hasSameBytes(as:)`: a `memcmp` call per packet costs ~1% of a verification.)
            guard let base = bytes.baseAddress else { return nil }
            let actual = UnsafeRawPointer(base + start)
            let expected = UnsafeRawPointer(spelling.utf8Start)
            var difference: UInt64 = 0
            var offset = 0
            while offset + 8 <= length {
                difference |= actual.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    ^ expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            while offset < length {
                difference |= UInt64(actual.load(fromByteOffset: offset, as: UInt8.self) ^ expected.load(fromByteOffset: offset, as: UInt8.self))
                offset += 1
            }
            guard difference == 0 else { return nil }
            self = candidate
        }
    }

    // MARK: Encoding

    static func encode(_ macaroon: Macaroon) throws(MacaroonError) -> [UInt8] {
        var output: [UInt8] = []
        try appendPacket(.location, macaroon.location, field: .location, to: &output)
        try appendPacket(.identifier, macaroon.identifier, field: .identifier, to: &output)
        for caveat in macaroon.caveats {
            try appendPacket(.cid, caveat.identifier, field: .caveatIdentifier, to: &output)
            if case .thirdParty(_, let verificationID, let location) = caveat {
                try appendPacket(.vid, verificationID, field: .verificationID, to: &output)
                if !location.isEmpty {
                    try appendPacket(.cl, location, field: .caveatLocation, to: &output)
                }
            }
        }
        try appendPacket(.signature, macaroon.signature.bytes[...], field: .signature, to: &output)
        return output
    }

    private static func appendPacket(
        _ key: Key, _ value: ArraySlice<UInt8>, field: MacaroonError.Field, to output: inout [UInt8]
    ) throws(MacaroonError) {
        let keyBytes = key.spelling.withUTF8Buffer { Array($0) }
        let length = headerLength + keyBytes.count + 1 + value.count + 1
        guard length <= maxPacketLength else {
            throw MacaroonError(.notRepresentable, field: field,
                                detail: "a v1 packet holds at most \(maxPacketLength) bytes; this one needs \(length)")
        }
        output.append(contentsOf: Array(String(length, radix: 16).leftPadded(to: headerLength).utf8))
        output.append(contentsOf: keyBytes)
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: value)
        output.append(UInt8(ascii: "\n"))
    }

    // MARK: Decoding

    /// Validates a whole v1 macaroon, handing its fields to `visitor`.
    static func read<Visitor: MacaroonFieldVisitor>(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits, into visitor: inout Visitor
    ) throws(MacaroonError) {
        var reader = PacketReader(bytes: buffer, limits: limits)
        let location = try reader.expect(.location, field: .location)
        let identifier = try reader.expect(.identifier, field: .identifier)
        visitor.visitHeader(location: location, identifier: identifier)
        // A caveat is a cid packet, then for a third-party caveat a vid packet and an optional cl packet.
        var packet = try reader.next(field: .caveats)
        var caveatCount = 0
        while packet.key == .cid {
            guard caveatCount < limits.maxCaveats else {
                throw MacaroonError(.tooManyCaveats, field: .caveats, offset: packet.start,
                                    detail: "more than \(limits.maxCaveats) caveats")
            }
            caveatCount += 1
            let caveatIdentifier = packet.value
            packet = try reader.next(field: .caveats)
            guard packet.key == .vid else {
                visitor.visitCaveat(identifier: caveatIdentifier, thirdParty: nil)
                continue
            }
            let verificationID = packet.value
            var caveatLocation = verificationID.endIndex..<verificationID.endIndex
            packet = try reader.next(field: .caveats)
            if packet.key == .cl {
                caveatLocation = packet.value
                packet = try reader.next(field: .caveats)
            }
            visitor.visitCaveat(identifier: caveatIdentifier, thirdParty: (verificationID, caveatLocation))
        }
        switch packet.key {
        case .signature:
            guard packet.value.count == SHA256Digest.byteCount else {
                throw MacaroonError(.invalidSignatureLength, field: .signature, offset: packet.start,
                                    detail: "the signature is \(packet.value.count) bytes, not 32")
            }
            guard reader.position == buffer.count else {
                throw MacaroonError(.trailingBytes, offset: reader.position,
                                    detail: "\(buffer.count - reader.position) bytes follow the signature packet")
            }
            visitor.visitSignature(packet.value)
        case .vid:
            throw MacaroonError(.unexpectedField, field: .verificationID, offset: packet.start,
                                detail: "a vid packet must follow a cid packet")
        case .cl:
            throw MacaroonError(.firstPartyCaveatWithLocation, field: .caveatLocation, offset: packet.start,
                                detail: "a cl packet must follow a vid packet, once")
        case .location, .identifier, .cid: // (the loop above consumes every cid packet)
            throw MacaroonError(.unexpectedField, field: .caveats, offset: packet.start,
                                detail: "a second \(packet.key.spelling) packet")
        }
    }

    /// One packet: its key, where its value is, and where it starts (for errors).
    private struct Packet {
        var key: Key
        var value: Range<Int>
        var start: Int
    }

    private struct PacketReader {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: MacaroonLimits
        var position = 0

        mutating func expect(_ expected: Key, field: MacaroonError.Field) throws(MacaroonError) -> Range<Int> {
            let packet = try next(field: field)
            guard packet.key == expected else {
                throw MacaroonError(.unexpectedField, field: field, offset: packet.start,
                                    detail: "expected a \(expected.spelling) packet, found \(packet.key.spelling)")
            }
            return packet.value
        }

        mutating func next(field: MacaroonError.Field) throws(MacaroonError) -> Packet {
            let start = position
            guard bytes.count - start >= V1Format.headerLength else {
                throw MacaroonError(.truncated, field: field, offset: start, detail: "the input ends before a packet header")
            }
            guard let length = packetLength(at: start) else {
                let offset = (start..<(start + V1Format.headerLength)).first { !Hex.isLowercaseDigit(bytes[$0]) } ?? start
                throw MacaroonError(.invalidPacket, field: field, offset: offset,
                                    detail: "a packet length must be four lowercase hex digits")
            }
            let end = start + length
            guard length >= V1Format.headerLength + 3 else {
                throw MacaroonError(.invalidPacket, field: field, offset: start, detail: "a packet of \(length) bytes is too short")
            }
            guard end <= bytes.count else {
                throw MacaroonError(.truncated, field: field, offset: start,
                                    detail: "a packet of \(length) bytes runs past the end of the input")
            }
            guard bytes[end - 1] == UInt8(ascii: "\n") else {
                throw MacaroonError(.invalidPacket, field: field, offset: end - 1, detail: "a packet must end with a newline")
            }
            let bodyStart = start + V1Format.headerLength
            guard let key = Key(at: bodyStart, before: end - 1, in: bytes) else {
                throw MacaroonError(.invalidPacket, field: field, offset: bodyStart, detail: "unknown or malformed packet key")
            }
            let value = (bodyStart + key.spelling.utf8CodeUnitCount + 1)..<(end - 1)
            guard value.count <= limits.maxFieldLength else {
                throw MacaroonError(.fieldTooLong, field: field, offset: value.lowerBound,
                                    detail: "a field of \(value.count) bytes exceeds the limit of \(limits.maxFieldLength)")
            }
            position = end
            return Packet(key: key, value: value, start: start)
        }

        /// The four lowercase hex digits at `offset` as a number, computed without
        /// branching on each digit (lengths vary unpredictably from packet to packet).
        @inline(__always)
        private func packetLength(at offset: Int) -> Int? {
            var length = 0
            var allDigits = true
            for index in offset..<(offset + V1Format.headerLength) {
                let digit = bytes[index]
                allDigits = allDigits && Hex.isLowercaseDigit(digit)
                // '0'...'9' are 0x30...0x39 and 'a'...'f' are 0x61...0x66: bit 6 marks a letter.
                length = length << 4 | Int((digit & 0x0F) &+ 9 &* (digit >> 6))
            }
            return allDigits ? length : nil
        }
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
