// HosoSmokeTests.swift — the real core through the XCFramework: opening a
// directory with a host key, the wrong key refused, and sync's first refusals
// (offline, not logged in) arriving as HosoError.

import HosoFFI
import XCTest
@testable import Hoso

/// A key provider with a fixed key, for tests only.
private final class FixedKey: KeyProvider {
    let key: Data

    init(_ byte: UInt8, count: Int = 32) {
        key = Data(repeating: byte, count: count)
    }

    func dataKey() throws -> Data {
        key
    }
}

/// A network monitor that is always offline.
private final class Offline: NetworkMonitor {
    func networkState() -> NetworkState {
        .offline
    }
}

final class HosoSmokeTests: XCTestCase {
    private var directory = URL(fileURLWithPath: NSTemporaryDirectory())

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hoso-tests-\(UUID().uuidString)", isDirectory: true)
        try HosoHost.prepare(directory)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func openCore(_ key: KeyProvider, network: NetworkMonitor? = nil) throws -> Hoso {
        try Hoso(dataDir: directory.path, keyProvider: key, listener: HosoEvents(), network: network)
    }

    func testOpensAndKeepsDataUnderTheHostKey() throws {
        XCTAssertFalse(coreVersion().isEmpty)
        do {
            let hoso = try openCore(FixedKey(1))
            XCTAssertEqual(hoso.dataDir(), directory.path)
            XCTAssertNil(hoso.quarantinedStore())
            XCTAssertEqual(try hoso.drafts().count, 0)
            _ = try hoso.setProfileValue(member: nil, field: "full_name", value: "Nguyễn Văn An")
            hoso.networkChanged()
        }

        XCTAssertThrowsError(try openCore(FixedKey(2))) { error in
            guard case .WrongKey? = error as? HosoError else {
                return XCTFail("expected WrongKey, got \(error)")
            }
        }
        let again = try openCore(FixedKey(1))
        XCTAssertNotNil(try again.profile().me["full_name"])
    }

    func testAKeyOfTheWrongLengthIsKeyUnavailable() {
        XCTAssertThrowsError(try openCore(FixedKey(1, count: 16))) { error in
            guard case .KeyUnavailable? = error as? HosoError else {
                return XCTFail("expected KeyUnavailable, got \(error)")
            }
        }
    }

    func testSyncOfflineIsRefusedBeforeTheNetwork() async throws {
        let hoso = try openCore(FixedKey(1), network: Offline())
        do {
            _ = try await hoso.syncNow(retryNow: false)
            XCTFail("sync ran offline")
        } catch let error as HosoError {
            XCTAssertEqual(error.code, "offline")
        }
    }

    func testSyncWithoutALoginIsNotLoggedIn() async throws {
        let hoso = try openCore(FixedKey(1))
        do {
            _ = try await hoso.syncNow(retryNow: false)
            XCTFail("sync ran without a login")
        } catch let error as HosoError {
            guard case .NotLoggedIn = error else {
                return XCTFail("expected NotLoggedIn, got \(error.code)")
            }
        }
    }
}
