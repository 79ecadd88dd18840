// libFuzzer target: every macaroon decoder on arbitrary bytes.
// The first byte selects the entry point; the rest is the input. Any outcome
// but a crash, a hang or unbounded allocation is fine: errors are expected.
import Macaroons

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let input = UnsafeBufferPointer(rebasing: bytes.dropFirst())
    switch selector % 7 {
    case 0: _ = try? Macaroon(decoding: input)
    case 1: _ = try? MacaroonFormat.detect(input)
    case 2: _ = try? Macaroon(decoding: input, as: .v1)
    case 3: _ = try? Macaroon(decoding: input, as: .v2Binary)
    case 4: _ = try? Macaroon(decoding: input, as: .v2JSON)
    case 5: _ = try? Macaroon(decoding: input, as: .v1JSON)
    default: _ = try? MacaroonBundle(decoding: input)
    }
    return 0
}
