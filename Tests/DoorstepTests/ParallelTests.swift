@testable import DoorstepCoverage
import Synchronization
import Testing

@Suite("Work on all cores")
struct ParallelTests {
    /// An element that counts how many of its kind are alive, to catch one deinitialised twice or never.
    final class Counted: Sendable {
        static let alive = Atomic<Int>(0)
        let value: Int

        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }

        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    struct Refused: Error, Equatable {
        var index: Int
    }

    @Suite("parallelArray")
    struct ParallelArray {
        @Test("elements come in index order, in parts and in one", arguments: [0, 1, 999, 100_003])
        func inOrder(count: Int) {
            #expect(parallelArray(count: count, minimumPart: 1_000) { 3 * $0 } == (0..<count).map { 3 * $0 })
        }

        @Test("the error is that of the lowest failing index, and every element made is freed once")
        func lowestError() {
            let before = Counted.alive.load(ordering: .relaxed)
            #expect(throws: Refused(index: 30_000)) {
                try parallelArray(count: 100_000, minimumPart: 1_000) { i throws(Refused) in
                    // The later failure is met first by its own worker: the lower one must still win.
                    if i == 30_000 || i == 70_000 || i == 99_999 { throw Refused(index: i) }
                    return Counted(i)
                }
            }
            #expect(Counted.alive.load(ordering: .relaxed) == before)
            let made = try? parallelArray(count: 50_000, minimumPart: 1_000) { i throws(Refused) in Counted(i) }
            #expect(made?.map(\.value) == Array(0..<50_000))
            #expect(Counted.alive.load(ordering: .relaxed) == before + 50_000)
        }
    }
}
