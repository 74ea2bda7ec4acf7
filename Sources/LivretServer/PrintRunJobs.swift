import Foundation
import LivretArchive
import LivretModel
import LivretPipeline
import Logging
import Metrics
import Synchronization

/// A print run started through the service, as its job file records it.
public struct PrintRunJob: Codable, Sendable, Equatable {
    /// Where a job is.
    public enum State: String, Codable, Sendable {
        /// Accepted, not started yet.
        case queued
        /// Printing.
        case running
        /// Finished: every file listed is on disk (some pupils may have failed: see `failures`).
        case done
        /// Stopped: refused, failed, or interrupted by a stop of the service.
        case failed
    }

    /// The job's id (`pr-` and 16 hex digits).
    public var id: String
    /// Where it is.
    public var state: State
    /// The dataset printed (its id in the service's datasets).
    public var dataset: String
    /// The divisions printed; nil: all.
    public var divisions: [String]?
    /// No blank pages between livrets.
    public var simplex: Bool
    /// The date printed on the hand-over sheets.
    public var date: String
    /// Who started it (`Name (role #id)`).
    public var actor: String
    /// When it was accepted, started, finished (UTC, ISO 8601).
    public var created: String
    public var started: String?
    public var finished: String?
    /// Pupils done (printed or failed) and in all.
    public var pupilsDone: Int
    public var pupilsTotal: Int
    /// Pages printed so far, and the rate since the start.
    public var pages: Int
    public var pagesPerSecond: Double
    /// Pupils not printed, and why.
    public var failures: [PrintRun.Failure]
    /// The files written (relative to the job's output folder), once done.
    public var files: [String]
    /// Why the job failed.
    public var error: String?
}

/// The print runs: started in the background, persisted as `service/jobs/<id>.json` in the archive
/// home, written into `service/print-runs/<id>/`. At start, a job found `queued` or `running` (the
/// service stopped during it) is marked failed, and a `done` job whose files are missing too: a
/// job is never listed as done with files missing.
public final class PrintRunJobs: Sendable {
    /// `service/jobs`.
    public let jobsFolder: URL
    /// `service/print-runs`.
    public let outputsFolder: URL
    let logger: Logger
    private let jobs: Mutex<[String: PrintRunJob]>
    private let watchers = Mutex<[String: [UUID: AsyncStream<PrintRunJob>.Continuation]]>([:])
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])
    let pagesCounter = Counter(label: "livret_pages_rendered_total")
    let durationTimer = Metrics.Timer(label: "livret_print_run_duration_seconds", preferredDisplayUnit: .seconds)

    init(folder: URL, logger: Logger) throws {
        jobsFolder = folder.appendingPathComponent("jobs")
        outputsFolder = folder.appendingPathComponent("print-runs")
        self.logger = logger
        try FileManager.default.createDirectory(at: jobsFolder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outputsFolder, withIntermediateDirectories: true)
        var loaded: [String: PrintRunJob] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: jobsFolder.path)) ?? []
        for name in names where name.hasSuffix(".json") {
            let url = jobsFolder.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url), var job = try? JSONDecoder().decode(PrintRunJob.self, from: data),
                  Self.isJobID(job.id), name == job.id + ".json" else {
                logger.warning("print-run.job.unreadable", metadata: ["file": "\(name)"])
                continue
            }
            var changed = false
            switch job.state {
            case .queued, .running:
                job.state = .failed
                job.error = "interrupted: the service stopped while the job was \(job.state == .queued ? "waiting" : "printing"); start it again"
                job.finished = Self.now()
                changed = true
            case .done:
                let output = outputsFolder.appendingPathComponent(job.id)
                let missing = job.files.filter { !FileManager.default.fileExists(atPath: output.appendingPathComponent($0).path) }
                if !missing.isEmpty {
                    job.state = .failed
                    job.error = "\(missing.count) file(s) of this print run are missing (\(missing.first!)…); start it again"
                    changed = true
                }
            case .failed:
                break
            }
            if changed { try Self.persist(job, in: jobsFolder) }
            loaded[job.id] = job
        }
        jobs = Mutex(loaded)
    }

    static func isJobID(_ id: String) -> Bool {
        id.count == 19 && id.hasPrefix("pr-") && id.dropFirst(3).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func now() -> String { timestamp(Date()) }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func persist(_ job: PrintRunJob, in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(job), to: folder.appendingPathComponent(job.id + ".json"))
    }

    /// Every job, newest first.
    public func list() -> [PrintRunJob] {
        jobs.withLock { Array($0.values) }.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
    }

    /// The job `id`, if any.
    public func job(_ id: String) -> PrintRunJob? {
        guard Self.isJobID(id) else { return nil }
        return jobs.withLock { $0[id] }
    }

    /// The job's output folder.
    public func outputFolder(_ id: String) -> URL { outputsFolder.appendingPathComponent(id) }

    /// The job's states as they change, starting with the current one, until it is done or failed.
    public func updates(_ id: String) -> AsyncStream<PrintRunJob> {
        AsyncStream { continuation in
            let key = UUID()
            let current: PrintRunJob? = watchers.withLock { watchers in
                let job = jobs.withLock { $0[id] }
                if let job, job.state == .queued || job.state == .running { watchers[id, default: [:]][key] = continuation }
                return job
            }
            if let current { continuation.yield(current) }
            if current == nil || current!.state == .done || current!.state == .failed { continuation.finish() }
            continuation.onTermination = { [weak self] _ in
                _ = self?.watchers.withLock { $0[id]?.removeValue(forKey: key) }
            }
        }
    }

    func update(_ id: String, persist: Bool, _ change: (inout PrintRunJob) -> Void) {
        let job: PrintRunJob? = jobs.withLock { jobs in
            guard var job = jobs[id] else { return nil }
            change(&job)
            jobs[id] = job
            return job
        }
        guard let job else { return }
        if persist {
            do { try Self.persist(job, in: jobsFolder) } catch { logger.error("print-run.job.persist.failed", metadata: ["job": "\(id)", "error": "\(error)"]) }
        }
        watchers.withLock { watchers in
            for continuation in watchers[id]?.values ?? [:].values {
                continuation.yield(job)
                if job.state == .done || job.state == .failed { continuation.finish() }
            }
            if job.state == .done || job.state == .failed { watchers[id] = nil }
        }
    }

    /// Accepts a print run and starts it in the background; returns the job as accepted.
    func start(
        dataset: (id: String, url: URL), divisions: [String]?, simplex: Bool, date: String, actor: String, version: String,
        makeRun: @escaping @Sendable (PrintRun.Options) throws -> PrintRun, executor: BlockingExecutor
    ) throws -> PrintRunJob {
        var bytes = [UInt8](repeating: 0, count: 8)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let id = "pr-" + bytes.map { String(format: "%02x", $0) }.joined()
        let job = PrintRunJob(
            id: id, state: .queued, dataset: dataset.id, divisions: divisions, simplex: simplex, date: date, actor: actor, created: Self.now(),
            started: nil, finished: nil, pupilsDone: 0, pupilsTotal: 0, pages: 0, pagesPerSecond: 0, failures: [], files: [], error: nil)
        try Self.persist(job, in: jobsFolder)
        jobs.withLock { $0[id] = job }
        let output = outputFolder(id)
        let options = PrintRun.Options(
            dataset: dataset.url, output: output, divisions: divisions, simplex: simplex, date: date, version: version)
        let task = Task { [self] in
            let clock = ContinuousClock()
            let started = clock.now
            update(id, persist: true) {
                $0.state = .running
                $0.started = Self.now()
            }
            let counts = Mutex((done: 0, pages: 0, lastPersist: clock.now))
            do {
                let run = try makeRun(options)
                let summary = try await run.run(on: executor) { [self] event in
                    let elapsed = Double((clock.now - started).components.seconds) + Double((clock.now - started).components.attoseconds) / 1e18
                    switch event {
                    case .started(let pupils):
                        update(id, persist: true) { $0.pupilsTotal = pupils }
                    case .pupil(let pages):
                        pagesCounter.increment(by: pages)
                        let (done, total, persist) = counts.withLock { counts in
                            counts.done += 1
                            counts.pages += pages
                            let persist = clock.now - counts.lastPersist > .seconds(1)
                            if persist { counts.lastPersist = clock.now }
                            return (counts.done, counts.pages, persist)
                        }
                        update(id, persist: persist) {
                            $0.pupilsDone = done
                            $0.pages = total
                            $0.pagesPerSecond = elapsed > 0 ? Double(total) / elapsed : 0
                        }
                    case .finished:
                        break
                    }
                }
                let elapsed = clock.now - started
                durationTimer.recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + Int64(elapsed.components.attoseconds / 1_000_000_000))
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                update(id, persist: true) {
                    $0.state = .done
                    $0.finished = Self.now()
                    $0.pupilsDone = summary.counts.printed + summary.counts.failed
                    $0.pupilsTotal = summary.counts.pupils
                    $0.pages = summary.counts.pages
                    $0.pagesPerSecond = seconds > 0 ? Double(summary.counts.pages) / seconds : 0
                    $0.failures = summary.failures
                    $0.files = summary.files.map(\.path) + [PrintRun.summaryFileName]
                }
            } catch {
                update(id, persist: true) {
                    $0.state = .failed
                    $0.finished = Self.now()
                    $0.error = "\(error)"
                }
            }
            _ = tasks.withLock { $0.removeValue(forKey: id) }
        }
        tasks.withLock { $0[id] = task }
        return job
    }

    /// Stops: the running jobs are cancelled and marked failed (interrupted), so that a restart
    /// never finds one listed as running or done with files missing.
    func checkpoint() async {
        let running = tasks.withLock { $0 }
        for (id, task) in running {
            task.cancel()
            update(id, persist: true) {
                if $0.state == .queued || $0.state == .running {
                    $0.state = .failed
                    $0.finished = Self.now()
                    $0.error = "interrupted: the service stopped; start it again"
                }
            }
        }
    }
}
