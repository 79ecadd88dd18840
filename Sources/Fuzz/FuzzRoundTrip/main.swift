// libFuzzer target: whatever decodes must re-encode, in every format it fits,
// and decode again to the same value; its canonical form must be stable.
import Macaroons

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let macaroon = try? Macaroon(decoding: UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    for format in MacaroonFormat.allCases {
        guard let encoded = try? macaroon.encoded(as: format) else {
            precondition(format == .v1, "only v1 may refuse to encode (packet size)")
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
