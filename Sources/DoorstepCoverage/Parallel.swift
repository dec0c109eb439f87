import Foundation
import Synchronization

/// Runs `body` for 0..<count on every core, each worker with its own state (a GEOS context, a PROJ
/// projector …), handing out the items one by one so that slow items do not hold a worker back.
func parallelMap<State, Result: Sendable>(
    _ order: [Int], count: Int, makeState: @Sendable () throws -> State,
    _ body: @Sendable (inout State, Int) throws -> Result
) throws -> [Result] {
    let next = Mutex(0)
    let results = Mutex([Result?](repeating: nil, count: count))
    let failure = Mutex<(any Error)?>(nil)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, order.count))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        do {
            var state = try makeState()
            while true {
                let position = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard position < order.count, failure.withLock({ $0 == nil }) else { return }
                let item = order[position]
                let result = try body(&state, item)
                results.withLock { $0[item] = result }
            }
        } catch {
            failure.withLock { $0 = $0 ?? error }
        }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return results.withLock { $0.map { $0! } }
}

/// `element(i)` for every i in 0..<count, made in contiguous parts on every core and written straight
/// into the result: no part is copied or freed afterwards. The error thrown is that of the lowest
/// failing index, the one a loop would meet first.
///
/// ```swift
/// let nearest = parallelArray(count: demand.count) { index.nearestDistance(to: demand[$0], within: 500) }
/// ```
func parallelArray<Element, Failure: Error>(
    count: Int, minimumPart: Int = 20_000, _ element: @Sendable (Int) throws(Failure) -> Element
) throws(Failure) -> [Element] {
    let partCount = min(4 * ProcessInfo.processInfo.activeProcessorCount, count / max(minimumPart, 1))
    guard partCount > 1 else { return try (0..<count).map(element) }
    @Sendable func part(_ p: Int) -> Range<Int> { count * p / partCount..<count * (p + 1) / partCount }
    let failures = Mutex<[(part: Int, error: Failure)]>([])
    let result = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
        let target = SharedBuffer(base: buffer.baseAddress)
        DispatchQueue.concurrentPerform(iterations: partCount) { p in
            guard let base = target.base else { return }
            let range = part(p)
            var next = range.lowerBound
            do throws(Failure) {
                while next < range.upperBound {
                    (base + next).initialize(to: try element(next))
                    next += 1
                }
            } catch {
                (base + range.lowerBound).deinitialize(count: next - range.lowerBound)
                failures.withLock { $0.append((p, error)) }
            }
        }
        let failed = Set(failures.withLock { $0.map(\.part) })
        if failed.isEmpty {
            initialized = count
        } else if let base = buffer.baseAddress {
            for p in 0..<partCount where !failed.contains(p) { (base + part(p).lowerBound).deinitialize(count: part(p).count) }
        }
    }
    if let first = failures.withLock({ $0.min { $0.part < $1.part } }) { throw first.error }
    return result
}

/// The start of a buffer the parts of ``parallelArray(count:minimumPart:_:)`` fill, each its own range.
private struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
}
