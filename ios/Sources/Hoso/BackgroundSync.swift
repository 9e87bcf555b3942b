// BackgroundSync.swift — owns syncing while the app is not running: the
// BGTaskScheduler task "vn.hoso.sync" that runs one `Hoso.syncNow` (send what
// is due in the outbox, pull status changes, refresh followed receipts),
// completes the task, and asks for the next run.

import BackgroundTasks
import Foundation
import HosoFFI
import os

/// The BGTaskScheduler hook for hoso's sync.
///
/// The app's Info.plist must list the identifier and the background mode of
/// the kind used:
///
/// ```xml
/// <key>BGTaskSchedulerPermittedIdentifiers</key>
/// <array><string>vn.hoso.sync</string></array>
/// <key>UIBackgroundModes</key>
/// <array><string>fetch</string><string>processing</string></array>
/// ```
///
/// (`processing` for `.processing`, `fetch` for `.appRefresh`.) Call
/// `register()` before the app finishes launching, and `schedule()` after a
/// login and when the app moves to the background. Each run asks for the next
/// one first, so an expiry or a crash never leaves none asked for; a run that
/// finds no login cancels the request, since nothing can be sent until the
/// next login.
///
/// On expiry the task is completed at once, as iOS requires. The Swift task is
/// cancelled, but uniffi's async calls do not carry cancellation into Rust: the
/// core's pass goes on until iOS suspends the app. Nothing is lost by that:
/// every step is journaled, uploads resume where they stopped and a dossier is
/// submitted exactly once (its idempotency key is fixed when it is queued).
public final class BackgroundSync: @unchecked Sendable {
    /// Which kind of background task runs the sync.
    public enum Kind: Sendable {
        /// A `BGProcessingTask` that needs the network: minutes to run, at
        /// times iOS picks (often while the phone is idle). Suits uploads.
        case processing
        /// A `BGAppRefreshTask`: about 30 seconds, more often, as iOS learns
        /// when the app is used. Suits status pulls; an upload goes on where
        /// it stopped at the next run.
        case appRefresh
    }

    /// The identifier Info.plist lists.
    public static let defaultIdentifier = "vn.hoso.sync"
    /// How long after one run the next may start, at the earliest.
    public static let defaultInterval: TimeInterval = 15 * 60

    /// The task's identifier, as Info.plist lists it.
    public let identifier: String
    /// The kind of background task it runs as.
    public let kind: Kind
    /// The earliest start of a run after the request, in seconds.
    public let interval: TimeInterval
    private let hoso: @Sendable () -> Hoso?

    private static let registered = Locked(Set<String>())
    private static let log = Logger(subsystem: "vn.hoso", category: "background-sync")

    /// A background sync with `identifier`, run as `kind`, at most every
    /// `interval` seconds. `hoso` gives the app's open `Hoso` when the task
    /// runs, or `nil` if there is none (not opened yet, or it could not be
    /// opened); it is called on a background queue.
    public init(
        identifier: String = BackgroundSync.defaultIdentifier,
        kind: Kind = .processing,
        interval: TimeInterval = BackgroundSync.defaultInterval,
        hoso: @escaping @Sendable () -> Hoso?
    ) {
        self.identifier = identifier
        self.kind = kind
        self.interval = interval
        self.hoso = hoso
    }

    /// Registers the task's handler with iOS. Call it once, before
    /// `application(_:didFinishLaunchingWithOptions:)` returns (iOS raises an
    /// exception for later registrations). Returns `false` if the identifier is
    /// not in Info.plist's `BGTaskSchedulerPermittedIdentifiers`, or was
    /// registered already in this process.
    @discardableResult
    public func register() -> Bool {
        let fresh = Self.registered.withValue { $0.insert(identifier).inserted }
        guard fresh else {
            Self.log.error("task \(self.identifier, privacy: .public) is registered already")
            return false
        }
        let accepted = BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            self.run(task)
        }
        if !accepted {
            Self.registered.withValue { _ = $0.remove(identifier) }
            Self.log.error("task \(self.identifier, privacy: .public) is not in BGTaskSchedulerPermittedIdentifiers")
        }
        return accepted
    }

    /// Asks iOS for a run no earlier than `interval` from now, replacing any
    /// earlier request. Throws `BGTaskScheduler.Error` (`.unavailable` in the
    /// Simulator, or when the user turned Background App Refresh off).
    public func schedule() throws {
        let request: BGTaskRequest
        switch kind {
        case .processing:
            let processing = BGProcessingTaskRequest(identifier: identifier)
            processing.requiresNetworkConnectivity = true
            processing.requiresExternalPower = false
            request = processing
        case .appRefresh:
            request = BGAppRefreshTaskRequest(identifier: identifier)
        }
        request.earliestBeginDate = Date(timeIntervalSinceNow: interval)
        try BGTaskScheduler.shared.submit(request)
    }

    /// Withdraws the pending request, if any (after a logout).
    public func cancel() {
        BGTaskScheduler.shared.cancel(taskRequestWithIdentifier: identifier)
    }

    // MARK: - One run

    private func run(_ task: BGTask) {
        do {
            try schedule()
        } catch {
            Self.log.error("could not ask for the next run: \(String(describing: error), privacy: .public)")
        }
        guard let hoso = hoso() else {
            Self.log.notice("no open hoso for a background sync; trying again at the next run")
            task.setTaskCompleted(success: false)
            return
        }
        let launch = Launch(task)
        task.expirationHandler = {
            Self.log.notice("background sync expired")
            launch.expire()
        }
        launch.start {
            await self.sync(hoso)
        }
    }

    /// One sync pass; whether it did what it could.
    private func sync(_ hoso: Hoso) async -> Bool {
        do {
            _ = try await hoso.syncNow(retryNow: false)
            return true
        } catch let error as HosoError {
            if case .NotLoggedIn = error {
                // Nothing can be sent until the next login, which schedules
                // again.
                cancel()
                return true
            }
            // Stable codes only: they never carry personal data.
            Self.log.notice("background sync failed: \(error.code, privacy: .public)")
            return false
        } catch {
            Self.log.error("background sync failed outside the core")
            return false
        }
    }
}

/// One launch of the task: its Swift work and the task's single completion,
/// whichever of the work and the expiry ends first.
private final class Launch: @unchecked Sendable {
    private struct State {
        var completed = false
        var work: Task<Void, Never>?
    }

    private let task: BGTask
    private let state = Locked(State())

    init(_ task: BGTask) {
        self.task = task
    }

    /// Runs `body` and completes the task with its answer.
    func start(_ body: @escaping @Sendable () async -> Bool) {
        let work = Task(priority: .utility) {
            let success = await body()
            self.complete(success: success)
        }
        let expired = state.withValue { state -> Bool in
            state.work = work
            return state.completed
        }
        if expired {
            work.cancel()
        }
    }

    /// The time is up: cancels the work and completes the task as failed.
    func expire() {
        let work = state.withValue { $0.work }
        work?.cancel()
        complete(success: false)
    }

    private func complete(success: Bool) {
        let first = state.withValue { state -> Bool in
            guard !state.completed else { return false }
            state.completed = true
            return true
        }
        if first {
            task.setTaskCompleted(success: success)
        }
    }
}
