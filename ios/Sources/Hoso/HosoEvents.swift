// HosoEvents.swift — owns how the core's events reach the app: the generated
// `EventListener` the core calls from its own threads, handed at once to a
// private serial queue and from there, in order, to any number of
// `AsyncStream`s and a Combine publisher.

import Combine
import Foundation
import HosoFFI

/// The host `EventListener`: republishes every `HosoEvent` (attach and upload
/// progress, submissions sent and their states, status changes, the sync
/// loop's state) to Swift code.
///
/// `onEvent` never blocks the core: it only queues the event. Each subscriber
/// sees events in the order the core sent them. Events are notifications, not
/// the record: a screen that needs the truth reads it (`outbox()`,
/// `dossiers()`); a stream whose reader falls more than `bufferSize` events
/// behind loses its oldest ones.
///
/// ```swift
/// for await event in host.events.stream() {
///     if case let .syncStateChanged(state) = event { … }
/// }
/// ```
public final class HosoEvents: EventListener, @unchecked Sendable {
    private struct Subscribers {
        var nextID = 0
        var streams: [Int: AsyncStream<HosoEvent>.Continuation] = [:]
        var finished = false
    }

    /// How many undelivered events each stream keeps.
    public let bufferSize: Int

    private let subscribers = Locked(Subscribers())
    private let subject = PassthroughSubject<HosoEvent, Never>()
    private let delivery = DispatchQueue(label: "vn.hoso.events", qos: .utility)

    /// A listener whose streams each keep up to `bufferSize` undelivered
    /// events.
    public init(bufferSize: Int = 1024) {
        self.bufferSize = max(1, bufferSize)
    }

    deinit {
        // Deliveries still queued hold `self`, so none is pending here.
        finishNow()
    }

    /// Called by the core, from its threads.
    public func onEvent(event: HosoEvent) {
        delivery.async { self.deliver(event) }
    }

    /// A new stream of the events sent from now on. It ends when the reading
    /// task is cancelled, or after `finish()`.
    public func stream() -> AsyncStream<HosoEvent> {
        AsyncStream(bufferingPolicy: .bufferingNewest(bufferSize)) { continuation in
            let registered = subscribers.withValue { list -> Int? in
                guard !list.finished else { return nil }
                let next = list.nextID
                list.nextID += 1
                list.streams[next] = continuation
                return next
            }
            guard let id = registered else {
                continuation.finish()
                return
            }
            continuation.onTermination = { [weak self] _ in
                self?.subscribers.withValue { _ = $0.streams.removeValue(forKey: id) }
            }
        }
    }

    /// The events as a Combine publisher, delivered on a private serial
    /// queue: add `.receive(on: DispatchQueue.main)` before touching UI.
    public var publisher: AnyPublisher<HosoEvent, Never> {
        subject.eraseToAnyPublisher()
    }

    /// Ends every stream and the publisher once the events already sent are
    /// delivered; later events go nowhere and later streams end at once.
    public func finish() {
        delivery.async { self.finishNow() }
    }

    private func deliver(_ event: HosoEvent) {
        let streams = subscribers.withValue { Array($0.streams.values) }
        for stream in streams {
            stream.yield(event)
        }
        subject.send(event)
    }

    private func finishNow() {
        // Finished outside the lock: `finish()` runs `onTermination`, which
        // takes it.
        let streams = subscribers.withValue { list -> [AsyncStream<HosoEvent>.Continuation] in
            let streams = Array(list.streams.values)
            list.finished = true
            list.streams.removeAll()
            return streams
        }
        for stream in streams {
            stream.finish()
        }
        subject.send(completion: .finished)
    }
}
