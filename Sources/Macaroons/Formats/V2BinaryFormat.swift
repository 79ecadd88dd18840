/// The libmacaroons v2 binary format.
///
/// ```
/// macaroon = 0x02 [LOCATION] IDENTIFIER EOS caveat* EOS SIGNATURE
/// caveat   = [LOCATION] IDENTIFIER [VID] EOS
/// field    = tag:varint length:varint bytes
/// ```
/// Tags: EOS 0, LOCATION 1, IDENTIFIER 2, VID 4, SIGNATURE 6. Varints are
/// unsigned LEB128 and must be minimal. An empty location is omitted when
/// writing; an empty location field (pymacaroons writes one) reads as none.
enum V2BinaryFormat: FieldReadingFormat {
    static let version: UInt8 = 0x02

    private enum Tag: UInt64 {
        case endOfSection = 0, location = 1, identifier = 2, verificationID = 4, signature = 6
    }

    // MARK: Encoding

    static func encode(_ macaroon: Macaroon) -> [UInt8] {
        var output: [UInt8] = [version]
        appendField(.location, macaroon.location, to: &output, omitIfEmpty: true)
        appendField(.identifier, macaroon.identifier, to: &output)
        output.append(0)
        for caveat in macaroon.caveats {
            switch caveat {
            case .firstParty(let identifier):
                appendField(.identifier, identifier, to: &output)
            case .thirdParty(let identifier, let verificationID, let location):
                appendField(.location, location, to: &output, omitIfEmpty: true)
                appendField(.identifier, identifier, to: &output)
                appendField(.verificationID, verificationID, to: &output)
            }
            output.append(0)
        }
        output.append(0)
        appendField(.signature, macaroon.signature.bytes[...], to: &output)
        return output
    }

    private static func appendField(_ tag: Tag, _ bytes: ArraySlice<UInt8>, to output: inout [UInt8], omitIfEmpty: Bool = false) {
        if omitIfEmpty && bytes.isEmpty { return }
        appendVarint(tag.rawValue, to: &output)
        appendVarint(UInt64(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }

    private static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    // MARK: Decoding

    /// Validates a whole v2 binary macaroon, handing its fields to `visitor`.
    static func read<Visitor: MacaroonFieldVisitor>(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits, into visitor: inout Visitor
    ) throws(MacaroonError) {
        var reader = Reader(bytes: buffer, limits: limits)
        try reader.readMacaroon(into: &visitor)
        guard reader.position == buffer.count else {
            throw MacaroonError(
                .trailingBytes, offset: reader.position,
                detail: "\(buffer.count - reader.position) bytes follow the signature")
        }
    }

    /// Decodes v2 binary macaroons written one after another (go-macaroon's
    /// `Slice` encoding): a root and at most `limits.maxDischarges` discharges.
    static func decodeSequence(_ bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) -> [Macaroon] {
        try bytes.withUnsafeBufferPointer { (buffer) throws(MacaroonError) in
            var reader = Reader(bytes: buffer, limits: limits)
            var macaroons: [Macaroon] = []
            repeat {
                // The macaroons read so far are the root and `count - 1` discharges (no `+ 1` on the limit: it may be Int.max).
                guard macaroons.count <= limits.maxDischarges else {
                    throw MacaroonError(.dischargeLimitExceeded, field: .discharge, offset: reader.position,
                                        detail: "more than \(limits.maxDischarges) discharges in one bundle")
                }
                var assembler = MacaroonAssembler(storage: bytes)
                try reader.readMacaroon(into: &assembler)
                macaroons.append(assembler.macaroon())
            } while reader.position < buffer.count
            return macaroons
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let limits: MacaroonLimits
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func readMacaroon<Visitor: MacaroonFieldVisitor>(into visitor: inout Visitor) throws(MacaroonError) {
            guard position < bytes.count, bytes[position] == V2BinaryFormat.version else {
                throw MacaroonError(.unsupportedVersion, field: .version, offset: position, detail: "a v2 macaroon starts with 0x02")
            }
            position += 1
            let headerStart = position
            let header = try readSection(context: .identifier)
            guard header.verificationID == nil else {
                throw MacaroonError(.unexpectedField, field: .verificationID, offset: headerStart,
                                    detail: "the macaroon header cannot carry a verification id")
            }
            visitor.visitHeader(location: header.location ?? position..<position, identifier: header.identifier)
            var caveatCount = 0
            while true {
                guard position < bytes.count else {
                    throw MacaroonError(.truncated, field: .caveats, offset: position, detail: "the caveat list is not terminated")
                }
                if bytes[position] == UInt8(Tag.endOfSection.rawValue) {
                    position += 1
                    break
                }
                guard caveatCount < limits.maxCaveats else {
                    throw MacaroonError(.tooManyCaveats, field: .caveats, offset: position,
                                        detail: "more than \(limits.maxCaveats) caveats")
                }
                let sectionStart = position
                if let identifier = try readFirstPartyCaveat() {
                    visitor.visitCaveat(identifier: identifier, thirdParty: nil)
                    caveatCount += 1
                    continue
                }
                let section = try readSection(context: .caveatIdentifier)
                if let verificationID = section.verificationID {
                    visitor.visitCaveat(
                        identifier: section.identifier, thirdParty: (verificationID, section.location ?? position..<position))
                } else {
                    guard section.location?.isEmpty ?? true else {
                        throw MacaroonError(.firstPartyCaveatWithLocation, field: .caveatLocation, offset: sectionStart,
                                            detail: "a first-party caveat cannot carry a location")
                    }
                    visitor.visitCaveat(identifier: section.identifier, thirdParty: nil)
                }
                caveatCount += 1
            }
            let signatureStart = position
            let (tag, signature) = try readField(context: .signature)
            guard tag == .signature else {
                throw MacaroonError(.unexpectedField, field: .signature, offset: signatureStart,
                                    detail: "expected the signature field (tag 6), found tag \(tag.rawValue)")
            }
            guard signature.count == SHA256Digest.byteCount else {
                throw MacaroonError(.invalidSignatureLength, field: .signature, offset: signatureStart,
                                    detail: "the signature is \(signature.count) bytes, not 32")
            }
            visitor.visitSignature(signature)
        }

        /// The identifier of a caveat written `IDENTIFIER EOS` (a first-party caveat, as
        /// every peer writes one), read directly; `nil`, with nothing read, for any other
        /// section, which ``readSection(context:)`` then reads from its start.
        @inline(__always)
        mutating func readFirstPartyCaveat() throws(MacaroonError) -> Range<Int>? {
            let sectionStart = position
            guard position < bytes.count, bytes[position] == UInt8(Tag.identifier.rawValue) else { return nil }
            position += 1
            // An error here is the one readSection would report for this field.
            let identifier = try readLengthAndValue(context: .caveatIdentifier)
            guard position < bytes.count, bytes[position] == UInt8(Tag.endOfSection.rawValue) else {
                position = sectionStart
                return nil
            }
            position += 1
            return identifier
        }

        /// The fields of one section: `[LOCATION] IDENTIFIER [VID] EOS`, tags strictly increasing.
        struct Section {
            var location: Range<Int>?
            var identifier: Range<Int>
            var verificationID: Range<Int>?
        }

        mutating func readSection(context: MacaroonError.Field) throws(MacaroonError) -> Section {
            var location: Range<Int>?
            var identifier: Range<Int>?
            var verificationID: Range<Int>?
            var lastTag = Tag.endOfSection
            while true {
                let fieldStart = position
                let tag = try readTag(context: context)
                if tag == .endOfSection { break }
                guard tag.rawValue > lastTag.rawValue, tag != .signature else {
                    throw MacaroonError(.unexpectedField, field: context, offset: fieldStart,
                                        detail: "field tag \(tag.rawValue) is repeated or out of order")
                }
                lastTag = tag
                let value = try readLengthAndValue(context: context)
                switch tag {
                case .location:
                    location = value
                case .identifier:
                    identifier = value
                case .verificationID:
                    verificationID = value
                case .endOfSection, .signature:
                    break
                }
            }
            guard let identifier else {
                throw MacaroonError(.missingField, field: context, offset: position - 1, detail: "the identifier field is missing")
            }
            return Section(location: location, identifier: identifier, verificationID: verificationID)
        }

        mutating func readField(context: MacaroonError.Field) throws(MacaroonError) -> (Tag, Range<Int>) {
            let tag = try readTag(context: context)
            return (tag, try readLengthAndValue(context: context))
        }

        /// A field's tag. Every tag is below 0x80, so a well-formed field's tag is one
        /// byte; anything else takes the general varint path, which names the problem.
        @inline(__always)
        mutating func readTag(context: MacaroonError.Field) throws(MacaroonError) -> Tag {
            if position < bytes.count, let tag = Tag(rawValue: UInt64(bytes[position])) {
                position += 1
                return tag
            }
            return try readOtherTag(context: context)
        }

        /// ``readTag(context:)`` for anything but a one-byte known tag: a varint, then the tag or its error.
        @inline(never)
        mutating func readOtherTag(context: MacaroonError.Field) throws(MacaroonError) -> Tag {
            let start = position
            let value = try readVarint(context: context)
            guard let tag = Tag(rawValue: value) else {
                throw MacaroonError(.unexpectedField, field: context, offset: start, detail: "unknown field tag \(value)")
            }
            return tag
        }

        /// A field's length and the range of its value. The common field (shorter than
        /// 128 bytes: a one-byte length) is checked against the limit and the input's
        /// end at once; any other takes the general path.
        @inline(__always)
        mutating func readLengthAndValue(context: MacaroonError.Field) throws(MacaroonError) -> Range<Int> {
            if position < bytes.count {
                let length = Int(bytes[position])
                if length < 0x80, length <= limits.maxFieldLength, length < bytes.count - position {
                    let start = position + 1
                    position = start + length
                    return start..<position
                }
            }
            return try readOtherLengthAndValue(context: context)
        }

        /// ``readLengthAndValue(context:)`` for any length: a varint checked against the limit, then against the input.
        @inline(never)
        mutating func readOtherLengthAndValue(context: MacaroonError.Field) throws(MacaroonError) -> Range<Int> {
            let start = position
            let length = try readVarint(context: context)
            guard length <= UInt64(max(limits.maxFieldLength, 0)) else {
                throw MacaroonError(.fieldTooLong, field: context, offset: start,
                                    detail: "a field of \(length) bytes exceeds the limit of \(limits.maxFieldLength)")
            }
            // Compared with what is left, so that no sum of attacker numbers can overflow.
            guard length <= UInt64(bytes.count - position) else {
                throw MacaroonError(.truncated, field: context, offset: position,
                                    detail: "a field of \(length) bytes runs past the end of the input")
            }
            let valueStart = position
            position += Int(length)
            return valueStart..<position
        }

        /// An unsigned LEB128 varint of at most 9 bytes (63 bits), minimally encoded.
        mutating func readVarint(context: MacaroonError.Field) throws(MacaroonError) -> UInt64 {
            let start = position
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count else {
                    throw MacaroonError(.truncated, field: context, offset: start, detail: "the input ends inside a varint")
                }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 {
                    guard byte != 0 || shift == 0 else {
                        throw MacaroonError(.invalidVarint, field: context, offset: start, detail: "the varint is not minimally encoded")
                    }
                    return value
                }
                shift += 7
                guard shift < 63 else {
                    throw MacaroonError(.invalidVarint, field: context, offset: start, detail: "the varint is too long")
                }
            }
        }
    }
}
