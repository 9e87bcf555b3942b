// KeychainKeyProviderTests.swift — the key is made once, kept, per account,
// and agreed on by concurrent first callers. Needs a Keychain: run in the
// iOS Simulator.

import HosoFFI
import XCTest
@testable import Hoso

final class KeychainKeyProviderTests: XCTestCase {
    private var accounts: [String] = []

    override func tearDown() {
        for account in accounts {
            try? KeychainKeyProvider(account: account).deleteKey()
        }
        accounts = []
        super.tearDown()
    }

    private func freshAccount() -> String {
        let account = "test-\(UUID().uuidString)"
        accounts.append(account)
        return account
    }

    /// The first key of `provider`, or a skip when the test host has no
    /// Keychain access (errSecMissingEntitlement).
    private func firstKey(_ provider: KeychainKeyProvider) throws -> Data {
        do {
            return try provider.dataKey()
        } catch HostError.Failed(let message) where message.contains("OSStatus -34018") {
            throw XCTSkip("this test host has no Keychain entitlement")
        }
    }

    func testTheKeyIsMadeOnceAndKept() throws {
        let account = freshAccount()
        let key = try firstKey(KeychainKeyProvider(account: account))
        XCTAssertEqual(key.count, KeychainKeyProvider.keyLength)
        XCTAssertEqual(try KeychainKeyProvider(account: account).dataKey(), key)

        let other = try KeychainKeyProvider(account: freshAccount()).dataKey()
        XCTAssertNotEqual(other, key)
    }

    func testConcurrentFirstCallersAgreeOnOneKey() throws {
        let account = freshAccount()
        _ = try firstKey(KeychainKeyProvider(account: freshAccount()))
        let keys = Locked([Data]())
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let key = try? KeychainKeyProvider(account: account).dataKey() {
                keys.withValue { $0.append(key) }
            }
        }
        let all = keys.withValue { $0 }
        XCTAssertEqual(all.count, 8)
        XCTAssertEqual(Set(all).count, 1)
    }

    func testDeletingForgetsTheKey() throws {
        let account = freshAccount()
        let provider = KeychainKeyProvider(account: account)
        let key = try firstKey(provider)
        try provider.deleteKey()
        try provider.deleteKey()
        XCTAssertNotEqual(try provider.dataKey(), key)
    }
}
