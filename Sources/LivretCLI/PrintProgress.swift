import Foundation
import LivretModel
import LivretPipeline
import Synchronization

/// The progress line of a print run on a terminal: pupils done / total, pages per second, time
/// left. Fed by the print run's progress callback, from any thread.
final class PrintProgress: Sendable {
    private struct State {
        var total = 0
        var done = 0
        var pages = 0
        var started = ContinuousClock.now
        var lastDrawn = ContinuousClock.now
    }

    private let state = Mutex(State())

    /// Draws (at most every 150 ms) what `event` changed.
    func show(_ event: PrintRunProgress) {
        switch event {
        case .started(let pupils):
            state.withLock { $0 = State(total: pupils, done: 0, pages: 0, started: .now, lastDrawn: .now) }
        case .pupil(let pages):
            advance(pages: pages)
        case .finished:
            FileIO.writeStandardError("\r\u{1B}[K")
        }
    }

    private func advance(pages: Int) {
        let line: String? = state.withLock { s in
            s.done += 1
            s.pages += pages
            let now = ContinuousClock.now
            guard now - s.lastDrawn > .milliseconds(150) || s.done == s.total else { return nil }
            s.lastDrawn = now
            let elapsed = Self.seconds(now - s.started)
            let rate = elapsed > 0 ? Double(s.pages) / elapsed : 0
            let left = s.done > 0 ? elapsed / Double(s.done) * Double(s.total - s.done) : 0
            return "\r\u{1B}[K\(s.done)/\(s.total) pupils · \(Int(rate)) pages/s · \(Int(left.rounded())) s left"
        }
        if let line { FileIO.writeStandardError(line) }
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
