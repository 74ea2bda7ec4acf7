import Dispatch
import Synchronization

/// Bounded parallel work over a list, outside `async` code: the one pattern of the libraries for
/// it (the print run's `BlockingExecutor` is its `async` counterpart).
///
/// Work runs on Dispatch threads (`concurrentPerform`), never on the cooperative pool; results
/// land in a buffer guarded by a `Mutex`, in the order of the input, so callers need no lock and
/// no `@unchecked Sendable` of their own, and the output does not depend on the scheduling.
public enum Parallel {
    /// `transform` applied to every element of `items` with at most `width` calls at once (and no
    /// more than the cores), the results in the order of `items`. Element `i` is handled by lane
    /// `i % width`, each lane in increasing order. `transform` is called from several threads at
    /// once, hence `@Sendable`.
    /// - Parameters:
    ///   - items: the inputs.
    ///   - width: the most calls running at once (1 or more; less is taken as 1).
    ///   - transform: the work on one element; its errors are part of its result (`Result`).
    public static func map<Element: Sendable, Output: Sendable>(
        _ items: [Element], width: Int, _ transform: @Sendable (Element) -> Output
    ) -> [Output] {
        guard !items.isEmpty else { return [] }
        let lanes = max(1, min(width, items.count))
        if lanes == 1 { return items.map(transform) }
        let results = Mutex<[Output?]>(Array(repeating: nil, count: items.count))
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: items.count, by: lanes) {
                let output = transform(items[index])
                results.withLock { $0[index] = output }
            }
        }
        return results.withLock { slots in slots.map { $0! } }
    }

    /// `body` called for every element of `items`, with at most `width` calls at once; returns
    /// when every call has.
    public static func forEach<Element: Sendable>(_ items: [Element], width: Int, _ body: @Sendable (Element) -> Void) {
        _ = map(items, width: width) { body($0) }
    }
}
