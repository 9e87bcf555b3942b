// KeychainKeyProvider.swift — owns the data key on iOS: the 32 random bytes
// that seal hoso's personal data on the device (profile, drafts, attached
// files), kept as one Keychain item and handed to the core through the
// generated `KeyProvider` protocol. The core asks once per `Hoso` opened and
// never writes the key anywhere.

import Foundation
import HosoFFI
import Security

/// The host `KeyProvider` backed by the iOS Keychain.
///
/// The key is 32 bytes from `SecRandomCopyBytes`, created the first time it is
/// asked for and stored as a generic-password item:
///
/// - service `vn.hoso.data-key`, account `account`: one item per data
///   directory. Name the account after something stable (`HosoHost` uses the
///   directory's name under Application Support), never after an absolute path:
///   iOS moves the app's container when the app is updated.
/// - `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`: readable from the first
///   unlock after a restart until the next restart, so background sync works
///   while the phone is locked; never synced to iCloud Keychain and never
///   restored onto another device. (The data directory is excluded from backups
///   for the same reason: sealed data without its key is of no use elsewhere.)
/// - Created without races: of two callers creating it at once, `SecItemAdd`
///   refuses the second with `errSecDuplicateItem`, which then reads the first's.
///
/// Failures are thrown as `HostError.Failed(message:)`, which the core reports
/// as `HosoError.KeyUnavailable`; messages name the failed step and its
/// `OSStatus`, never key material. An existing item is never overwritten: a
/// different key could not open what the old one sealed.
public final class KeychainKeyProvider: KeyProvider {
    /// The Keychain service of every hoso data key.
    public static let service = "vn.hoso.data-key"
    /// The length the core requires.
    public static let keyLength = 32

    /// The item's account: which data directory the key belongs to.
    public let account: String
    /// A Keychain access group to share the key with the app's extensions, or
    /// `nil` for the app's default group.
    public let accessGroup: String?

    /// A provider for the key of `account`, in `accessGroup` if given (it must
    /// be listed in the app's `keychain-access-groups` entitlement).
    public init(account: String, accessGroup: String? = nil) {
        self.account = account
        self.accessGroup = accessGroup
    }

    /// The data key: the stored one, or a new one stored first.
    public func dataKey() throws -> Data {
        if let key = try read() {
            return key
        }
        let key = try Self.randomKey()
        let status = add(key)
        switch status {
        case errSecSuccess:
            return key
        case errSecDuplicateItem:
            // Another caller stored its key between our read and add: that
            // one is the key; ours was never used.
            if let stored = try read() {
                return stored
            }
            throw HostError.Failed(message: "Keychain: the data key was created and removed concurrently; try again")
        default:
            throw Self.failure("could not store a new data key", status)
        }
    }

    /// Deletes the key: a crypto-erase of everything sealed under it, which no
    /// key can open afterwards. Only for wiping this directory's data on
    /// purpose, with no `Hoso` open on it; delete the directory too. Deleting a
    /// key that does not exist succeeds.
    public func deleteKey() throws {
        let status = SecItemDelete(baseQuery() as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.failure("could not delete the data key", status)
        }
    }

    // MARK: - Keychain

    /// The attributes that identify the item. Without
    /// `kSecAttrSynchronizable` a query matches only items that are not
    /// synchronised, so an iCloud Keychain item is never picked up.
    private func baseQuery() -> [String: Any] {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
            kSecAttrAccount as String: account,
        ]
        if let accessGroup {
            query[kSecAttrAccessGroup as String] = accessGroup
        }
        return query
    }

    /// The stored key, `nil` when there is none yet.
    private func read() throws -> Data? {
        var query = baseQuery()
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let key = result as? Data, key.count == Self.keyLength else {
                // Left in place: replacing it would lose what it sealed.
                throw HostError.Failed(message: "Keychain: the stored data key is not \(Self.keyLength) bytes long")
            }
            return key
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            throw HostError.Failed(
                message: "Keychain: locked, the device has not been unlocked since it started (errSecInteractionNotAllowed)"
            )
        default:
            throw Self.failure("could not read the data key", status)
        }
    }

    /// Stores `key` as a new item.
    private func add(_ key: Data) -> OSStatus {
        var attributes = baseQuery()
        attributes[kSecValueData as String] = key
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        attributes[kSecAttrSynchronizable as String] = false
        attributes[kSecAttrLabel as String] = "hoso data key"
        return SecItemAdd(attributes as CFDictionary, nil)
    }

    /// 32 bytes from the system's cryptographic random generator.
    static func randomKey() throws -> Data {
        var key = Data(count: keyLength)
        let status = key.withUnsafeMutableBytes { buffer -> OSStatus in
            guard let base = buffer.baseAddress else {
                return errSecAllocate
            }
            return SecRandomCopyBytes(kSecRandomDefault, buffer.count, base)
        }
        guard status == errSecSuccess else {
            throw failure("no system randomness for a new data key", status)
        }
        return key
    }

    /// A host error naming the step and the Keychain's status.
    private static func failure(_ step: String, _ status: OSStatus) -> HostError {
        let reason = SecCopyErrorMessageString(status, nil).map { $0 as String } ?? "unknown status"
        return HostError.Failed(message: "Keychain: \(step) (OSStatus \(status): \(reason))")
    }
}
