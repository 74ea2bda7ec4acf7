import Dispatch

/// Where the pipeline runs its long, blocking, CPU-bound work (layout, cairo, file writes): never
/// on Swift's cooperative thread pool, which `async` code must not block.
///
/// The one pattern of parallel work in the pipeline: `async` code (a task group, one child task
/// per unit of work) hands each blocking job to `run`, which executes it on a Dispatch worker
/// thread and resumes the caller when it is done. At most `width` jobs run at once; the others
/// wait (asynchronously, holding no thread) for a slot. One executor may be shared by several
/// callers (a server's requests) to bound the CPU they use together.
public final class BlockingExecutor: Sendable {
    /// How many jobs may run at once.
    public let width: Int
    private let queue: DispatchQueue
    private let slots: Slots

    /// - Parameter width: how many jobs may run at once (at least 1), e.g. the number of cores.
    public init(width: Int, label: String = "livret.pipeline") {
        self.width = max(1, width)
        self.queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
        self.slots = Slots(free: max(1, width))
    }

    /// Runs `job` on a thread of the executor and returns (or throws) what it returned (or threw).
    /// The caller is suspended, not blocked, meanwhile.
    public func run<T: Sendable, Failure: Error>(_ job: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
        await slots.acquire()
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(Failure) -> T in try job() })
            }
        }
        await slots.release()
        return try result.get()
    }

    /// The free slots, and the callers waiting for one (first come, first served).
    private actor Slots {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []

        init(free: Int) {
            self.free = free
        }

        func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty {
                free += 1
            } else {
                waiting.removeFirst().resume()
            }
        }
    }
}
