// KeychainSecretStore.swift — the host `SecretStore` of assisted filing on
// iOS: the named secrets (the residents' keyring key) that unlock residents'
// data, one Keychain item each. Deleting an item is what makes wiping a
// resident a crypto-erasure: a copy of the data directory taken before holds
// keys wrapped under a secret the Keychain no longer has.

import Foundation
import HosoFFI
import Security

/// Secrets as generic-password items: service `vn.hoso.secrets`, account the
/// core's name (`hoso-resident-keyring-<id>-<epoch>`),
/// `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly` (background sync works
/// while locked; never synced to iCloud, never restored onto another device).
/// Failures are `HostError.Failed` naming the step and the `OSStatus`, never
/// a secret.
///
/// Backups: a `ThisDeviceOnly` item still travels in an encrypted backup
/// restored to the same device. That cannot bring a wiped resident back
/// because `HosoHost` excludes the data directory from backups: a restored
/// keyring key finds no sealed data to open. An app that puts the data
/// directory elsewhere must exclude it too.
public final class KeychainSecretStore: SecretStore {
    public static let service = "vn.hoso.secrets"
    public let accessGroup: String?

    public init(accessGroup: String? = nil) {
        self.accessGroup = accessGroup
    }

    public func get(name: String) throws -> Data? {
        var query = baseQuery(name)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let secret = result as? Data else {
                throw HostError.Failed(message: "Keychain: a stored secret is unreadable")
            }
            return secret
        case errSecItemNotFound:
            return nil
        default:
            throw Self.failure("could not read a secret", status)
        }
    }

    public func put(name: String, secret: Data) throws {
        let update = [kSecValueData as String: secret]
        let status = SecItemUpdate(baseQuery(name) as CFDictionary, update as CFDictionary)
        if status == errSecSuccess {
            return
        }
        guard status == errSecItemNotFound else {
            throw Self.failure("could not replace a secret", status)
        }
        var attributes = baseQuery(name)
        attributes[kSecValueData as String] = secret
        attributes[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        attributes[kSecAttrSynchronizable as String] = false
        attributes[kSecAttrLabel as String] = "hoso residents' keyring"
        let added = SecItemAdd(attributes as CFDictionary, nil)
        guard added == errSecSuccess else {
            throw Self.failure("could not store a secret", added)
        }
    }

    public func delete(name: String) throws {
        let status = SecItemDelete(baseQuery(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.failure("could not delete a secret", status)
        }
    }

    private func baseQuery(_ name: String) -> [String: Any] {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
            kSecAttrAccount as String: name,
        ]
        if let accessGroup {
            query[kSecAttrAccessGroup as String] = accessGroup
        }
        return query
    }

    private static func failure(_ step: String, _ status: OSStatus) -> HostError {
        let reason = SecCopyErrorMessageString(status, nil).map { $0 as String } ?? "unknown status"
        return HostError.Failed(message: "Keychain: \(step) (OSStatus \(status): \(reason))")
    }
}
