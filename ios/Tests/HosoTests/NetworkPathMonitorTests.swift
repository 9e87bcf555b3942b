// NetworkPathMonitorTests.swift — how paths become NetworkState, and that the
// live monitor reports a first path.

import HosoFFI
import Network
import XCTest
@testable import Hoso

final class NetworkPathMonitorTests: XCTestCase {
    func testPathsBecomeStates() {
        let cases: [(NWPath.Status, Bool, Bool, NetworkState)] = [
            (.unsatisfied, false, false, .offline),
            (.unsatisfied, true, true, .offline),
            (.satisfied, false, false, .unmetered),
            (.satisfied, true, false, .metered),
            (.satisfied, false, true, .metered),
            (.requiresConnection, false, false, .unmetered),
            (.requiresConnection, true, false, .metered),
        ]
        for (status, expensive, constrained, expected) in cases {
            XCTAssertEqual(
                NetworkPathMonitor.classify(status: status, isExpensive: expensive, isConstrained: constrained),
                expected,
                "\(status) expensive=\(expensive) constrained=\(constrained)"
            )
        }
    }

    func testUnknownIsMeteredUntilAPathArrives() {
        let monitor = NetworkPathMonitor()
        XCTAssertNil(monitor.currentState)
        XCTAssertEqual(monitor.networkState(), .metered)
        monitor.update(.unmetered)
        XCTAssertEqual(monitor.currentState, .unmetered)
        XCTAssertEqual(monitor.networkState(), .unmetered)
    }

    func testTheFirstPathIsReported() {
        let monitor = NetworkPathMonitor()
        let reported = expectation(description: "first path")
        reported.assertForOverFulfill = false
        monitor.start { _ in reported.fulfill() }
        wait(for: [reported], timeout: 5)
        XCTAssertNotNil(monitor.currentState)
        monitor.cancel()
    }
}
