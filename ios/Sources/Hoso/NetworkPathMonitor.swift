// NetworkPathMonitor.swift — owns what the core is told about the network on
// iOS: NWPathMonitor's current path as the generated `NetworkState`
// (offline, metered, unmetered), which the core reads before each sync, and a
// callback when that state changes, so the app can call
// `Hoso.networkChanged()` (HosoHost does).

import Foundation
import HosoFFI
import Network

/// The host `NetworkMonitor` backed by `NWPathMonitor`.
///
/// - No usable path (`.unsatisfied`) is `.offline`: the core does not try.
/// - A usable path (`.satisfied`, or `.requiresConnection`, which a connection
///   attempt brings up, as with VPN on demand) is `.metered` when it is
///   expensive (cellular, a phone's hotspot) or constrained (Low Data Mode):
///   large files then wait for Wi-Fi. Otherwise it is `.unmetered`.
/// - Until the first path arrives, moments after `start`, the answer is
///   `.metered`: the core tries, but spends no mobile data on large files on a
///   guess.
///
/// Thread-safe: the core calls `networkState()` from its own threads, paths
/// arrive on a private serial queue, and `onChange` runs on that queue, once
/// per change of state, in order.
public final class NetworkPathMonitor: NetworkMonitor, @unchecked Sendable {
    /// Called with the new state when it changes.
    public typealias ChangeHandler = @Sendable (NetworkState) -> Void

    private struct State {
        var current: NetworkState?
        var started = false
        var onChange: ChangeHandler?
    }

    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "vn.hoso.network-path", qos: .utility)
    private let state = Locked(State())

    /// A monitor that is not watching yet: call `start(onChange:)`.
    public init() {}

    deinit {
        monitor.cancel()
    }

    /// Starts watching the network; `onChange` hears every change of state,
    /// starting with the first path. A monitor starts once: later calls do
    /// nothing, and a cancelled one cannot start again.
    public func start(onChange: @escaping ChangeHandler = { _ in }) {
        let first = state.withValue { state -> Bool in
            guard !state.started else { return false }
            state.started = true
            state.onChange = onChange
            return true
        }
        guard first else { return }
        monitor.pathUpdateHandler = { [weak self] path in
            self?.update(
                Self.classify(status: path.status, isExpensive: path.isExpensive, isConstrained: path.isConstrained)
            )
        }
        monitor.start(queue: queue)
    }

    /// Stops watching; `networkState()` keeps answering the last state seen.
    public func cancel() {
        state.withValue { $0.onChange = nil }
        monitor.cancel()
    }

    /// The last state seen, `nil` before the first path.
    public var currentState: NetworkState? {
        state.withValue { $0.current }
    }

    /// What the core asks before each sync.
    public func networkState() -> NetworkState {
        currentState ?? .metered
    }

    /// Records `new` and tells the handler if it differs from the last state.
    func update(_ new: NetworkState) {
        let handler = state.withValue { state -> ChangeHandler? in
            guard state.current != new else { return nil }
            state.current = new
            return state.onChange
        }
        handler?(new)
    }

    /// The state for a path's status and cost.
    static func classify(status: NWPath.Status, isExpensive: Bool, isConstrained: Bool) -> NetworkState {
        switch status {
        case .unsatisfied:
            return .offline
        case .satisfied, .requiresConnection:
            return isExpensive || isConstrained ? .metered : .unmetered
        @unknown default:
            return .metered
        }
    }
}
