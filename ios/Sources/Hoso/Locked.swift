// Locked.swift — owns `Locked`, the package's one lock-guarded box, for state
// shared between the core's threads (which call the host protocols), the
// network monitor's queue and Swift tasks. NSLock rather than
// OSAllocatedUnfairLock, which needs iOS 16.

import Foundation

/// A value only reached under a lock.
///
/// Keep the body of `withValue` short and never call out from it (into the
/// core, an app closure, `AsyncStream.Continuation.finish()`): a call that comes
/// back to the same box would deadlock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, under the lock.
    func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
