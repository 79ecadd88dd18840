// libFuzzer target: whatever decodes (in any format, any spelling a peer writes)
// must re-encode, in every format it fits (v1 JSON included), and decode again
// to the same value; its canonical form must be stable.
import Macaroons

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let macaroon = try? Macaroon(decoding: UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    for format in MacaroonFormat.allCases {
        let encoded: [UInt8]
        do {
            encoded = try macaroon.encoded(as: format)
        } catch {
            // v1 packets hold at most 65,535 bytes; v1 JSON holds UTF-8 text only.
            precondition(format == .v1 || format == .v1JSON, "only v1 and v1 JSON may refuse to encode")
            precondition(error.code == .notRepresentable, "refused with \(error)")
            continue
        }
        let decoded: Macaroon
        do {
            decoded = try Macaroon(decoding: encoded, as: format)
        } catch {
            preconditionFailure("re-encoded \(format) does not decode: \(error)")
        }
        precondition(decoded == macaroon, "\(format) round trip changed the macaroon")
        precondition((try? decoded.encoded(as: format)) == encoded, "\(format) encoding is not stable")
    }
    return 0
}
