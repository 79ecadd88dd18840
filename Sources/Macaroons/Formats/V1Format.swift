#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libmacaroons v1 format: a sequence of packets, each
/// `HHHH key SP value LF`, where `HHHH` is the length of the whole packet in
/// four lowercase hex digits (so a packet is at most 65,535 bytes).
///
/// Packet order: `location`, `identifier`, then per caveat `cid` with `vid`
/// and `cl` for a third-party caveat, then `signature` (32 raw bytes). The
/// text form is the base64 of the packets.
enum V1Format: FieldReadingFormat {
    private static let headerLength = 4
    private static let maxPacketLength = 0xFFFF

    private enum Key: String {
        case location, identifier, cid, vid, cl, signature
        var bytes: [UInt8] { Array(rawValue.utf8) }

        /// The key spelled by `bytes`, if any (chosen by length and first byte, then compared whole).
        init?(bytes: UnsafeBufferPointer<UInt8>) {
            let candidate: Key
            switch (bytes.count, bytes.first) {
            case (8, _): candidate = .location
            case (10, _): candidate = .identifier
            case (9, _): candidate = .signature
            case (2, _): candidate = .cl
            case (3, UInt8(ascii: "c")): candidate = .cid
            case (3, _): candidate = .vid
            default: return nil
            }
            let matches = candidate.rawValue.utf8.withContiguousStorageIfAvailable { spelling in
                guard spelling.count == bytes.count, let expected = spelling.baseAddress, let actual = bytes.baseAddress else { return false }
                return memcmp(expected, actual, bytes.count) == 0
            }
            guard matches == true else { return nil }
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
        let keyBytes = key.bytes
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
        // A caveat is complete when the next cid or the signature arrives.
        var pending: (identifier: Range<Int>, verificationID: Range<Int>?, location: Range<Int>?)?
        var caveatCount = 0
        func flush() {
            guard let caveat = pending else { return }
            visitor.visitCaveat(
                identifier: caveat.identifier,
                thirdParty: caveat.verificationID.map { ($0, caveat.location ?? $0.endIndex..<$0.endIndex) })
            pending = nil
        }
        while true {
            let packetStart = reader.position
            let (key, value) = try reader.next(field: .caveats)
            switch key {
            case .cid:
                guard caveatCount < limits.maxCaveats else {
                    throw MacaroonError(.tooManyCaveats, field: .caveats, offset: packetStart,
                                        detail: "more than \(limits.maxCaveats) caveats")
                }
                flush()
                pending = (value, nil, nil)
                caveatCount += 1
            case .vid:
                guard let caveat = pending, caveat.verificationID == nil else {
                    throw MacaroonError(.unexpectedField, field: .verificationID, offset: packetStart,
                                        detail: "a vid packet must follow a cid packet")
                }
                pending = (caveat.identifier, value, nil)
            case .cl:
                guard let caveat = pending, caveat.verificationID != nil, caveat.location == nil, !value.isEmpty else {
                    throw MacaroonError(.firstPartyCaveatWithLocation, field: .caveatLocation, offset: packetStart,
                                        detail: "a cl packet must follow a vid packet, once, and not be empty")
                }
                pending = (caveat.identifier, caveat.verificationID, value)
            case .signature:
                guard value.count == SHA256Digest.byteCount else {
                    throw MacaroonError(.invalidSignatureLength, field: .signature, offset: packetStart,
                                        detail: "the signature is \(value.count) bytes, not 32")
                }
                guard reader.position == buffer.count else {
                    throw MacaroonError(.trailingBytes, offset: reader.position,
                                        detail: "\(buffer.count - reader.position) bytes follow the signature packet")
                }
                flush()
                visitor.visitSignature(value)
                return
            case .location, .identifier:
                throw MacaroonError(.unexpectedField, field: .caveats, offset: packetStart,
                                    detail: "a second \(key.rawValue) packet")
            }
        }
    }

    private struct PacketReader {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: MacaroonLimits
        var position = 0

        mutating func expect(_ expected: Key, field: MacaroonError.Field) throws(MacaroonError) -> Range<Int> {
            let start = position
            let (key, value) = try next(field: field)
            guard key == expected else {
                throw MacaroonError(.unexpectedField, field: field, offset: start,
                                    detail: "expected a \(expected.rawValue) packet, found \(key.rawValue)")
            }
            return value
        }

        mutating func next(field: MacaroonError.Field) throws(MacaroonError) -> (Key, Range<Int>) {
            let start = position
            guard bytes.count - start >= V1Format.headerLength else {
                throw MacaroonError(.truncated, field: field, offset: start, detail: "the input ends before a packet header")
            }
            var length = 0
            for offset in start..<(start + V1Format.headerLength) {
                let digit = bytes[offset]
                let value: Int
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(digit - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(digit - UInt8(ascii: "a")) + 10
                default:
                    throw MacaroonError(.invalidPacket, field: field, offset: offset,
                                        detail: "a packet length must be four lowercase hex digits")
                }
                length = length << 4 | value
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
            guard let space = bytes[bodyStart..<(end - 1)].firstIndex(of: UInt8(ascii: " ")),
                  let key = Key(bytes: UnsafeBufferPointer(rebasing: bytes[bodyStart..<space]))
            else {
                throw MacaroonError(.invalidPacket, field: field, offset: bodyStart, detail: "unknown or malformed packet key")
            }
            let value = (space + 1)..<(end - 1)
            guard value.count <= limits.maxFieldLength else {
                throw MacaroonError(.fieldTooLong, field: field, offset: space + 1,
                                    detail: "a field of \(value.count) bytes exceeds the limit of \(limits.maxFieldLength)")
            }
            position = end
            return (key, value)
        }
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
