// HosoEventsTests.swift — every stream and the publisher see every event, in
// order; finishing ends them.

import Combine
import HosoFFI
import XCTest
@testable import Hoso

final class HosoEventsTests: XCTestCase {
    private let sent: [HosoEvent] = [
        .syncStateChanged(state: .syncing),
        .statusChanged(dossierCode: "H40.22-250101-0001", status: 2, at: "2025-01-01T08:00:00Z"),
        .syncStateChanged(state: .idle(nextAt: 1_735_718_400)),
        .syncStateChanged(state: .stopped),
    ]

    func testEveryStreamAndThePublisherSeeEveryEventInOrder() async {
        let events = HosoEvents()
        let first = events.stream()
        let second = events.stream()
        let published = Locked([HosoEvent]())
        let subscription = events.publisher.sink { event in
            published.withValue { $0.append(event) }
        }
        for event in sent {
            events.onEvent(event: event)
        }
        events.finish()

        var fromFirst: [HosoEvent] = []
        for await event in first {
            fromFirst.append(event)
        }
        var fromSecond: [HosoEvent] = []
        for await event in second {
            fromSecond.append(event)
        }
        XCTAssertEqual(fromFirst, sent)
        XCTAssertEqual(fromSecond, sent)
        XCTAssertEqual(published.withValue { $0 }, sent)
        subscription.cancel()
    }

    func testAStreamAfterFinishEndsAtOnce() async {
        let events = HosoEvents()
        events.finish()
        events.onEvent(event: sent[0])
        var count = 0
        for await _ in events.stream() {
            count += 1
        }
        XCTAssertEqual(count, 0)
    }

    func testASlowReaderKeepsTheNewestEvents() async {
        let events = HosoEvents(bufferSize: 2)
        let stream = events.stream()
        // The publisher completes after every event reached the stream's
        // buffer; only then does the stream's reader start.
        let delivered = expectation(description: "all delivered")
        let subscription = events.publisher.sink(
            receiveCompletion: { _ in delivered.fulfill() },
            receiveValue: { _ in }
        )
        for event in sent {
            events.onEvent(event: event)
        }
        events.finish()
        await fulfillment(of: [delivered], timeout: 5)
        subscription.cancel()
        var received: [HosoEvent] = []
        for await event in stream {
            received.append(event)
        }
        XCTAssertEqual(received, Array(sent.suffix(2)))
    }
}
