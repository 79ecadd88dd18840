import Testing
@testable import Macaroons

@Suite("The exact-predicate table")
struct ExactPredicateTableTests {
    @Test("finds exactly the predicates a Set holds: every length, duplicates, the empty caveat, near misses")
    func agreesWithSet() {
        var generator = SeededGenerator(seed: 503)
        for count in [0, 1, 2, 7, 8, 9, 100, 1_000] {
            var predicates = (0..<count).map { _ in generator.bytes(Int.random(in: 0...40, using: &generator)) }
            predicates += predicates.prefix(3)  // duplicates
            let table = ExactPredicateTable(predicates.map { $0[...] })
            let model = Set(predicates)
            var probes = predicates + [[], [0], Array(repeating: 0, count: 8)]
            for predicate in predicates.prefix(50) where !predicate.isEmpty {
                var flipped = predicate
                flipped[Int.random(in: 0..<flipped.count, using: &generator)] ^= 0x01
                probes += [flipped, predicate + [0], Array(predicate.dropLast()), Array(predicate.dropFirst())]
            }
            for probe in probes {
                #expect(probe.withUnsafeBytes { table.contains($0) } == model.contains(probe), "\(count) predicates, probe \(probe)")
            }
        }
    }
}
