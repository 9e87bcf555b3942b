// HosoHost.swift — owns opening hoso the usual iOS way: a data directory under
// Application Support (excluded from backups, readable after the first
// unlock), the Keychain key for it, the event stream and the network monitor,
// wired to one `Hoso` and kept together for the app's life.

import Foundation
import HosoFFI

/// One open `Hoso` with the host objects it was opened with.
///
/// Open one per data directory and keep it for the app's life (an app-wide
/// model object, not a view): a second `Hoso` on the same directory would run
/// its own sync loop beside the first, and another process (an app extension)
/// cannot open a directory this one holds. The core closes when the last
/// reference to `hoso` goes.
///
/// Opening reads the Keychain and the store on disk: do it off the main
/// thread. It throws `HosoError` from the core (`KeyUnavailable` when the
/// Keychain is locked, `WrongKey`, `Storage` …) or a Foundation error when the
/// directory cannot be made.
///
/// ```swift
/// let host = try HosoHost.open()
/// let hits = try host.hoso.search(
///     query: "dang ky khai sinh",
///     options: SearchOptions(limit: 20)
/// )
/// ```
public final class HosoHost: Sendable {
    /// The core.
    public let hoso: Hoso
    /// Its events, as streams or a publisher.
    public let events: HosoEvents
    /// The network state it reads; each change calls `hoso.networkChanged()`.
    public let network: NetworkPathMonitor
    /// The data directory it works on.
    public let dataDirectory: URL

    private init(hoso: Hoso, events: HosoEvents, network: NetworkPathMonitor, dataDirectory: URL) {
        self.hoso = hoso
        self.events = events
        self.network = network
        self.dataDirectory = dataDirectory
    }

    /// Opens `Application Support/<name>` (created if needed) with the
    /// Keychain key whose account is `name`. The default directory is
    /// `Application Support/hoso`; another name gives a separate store with its
    /// own key (one household's dossiers, say, for a community team's phone).
    ///
    /// `name` is one path component chosen by the app: not empty, no `/`, not
    /// `.` or `..`.
    public static func open(name: String = "hoso") throws -> HosoHost {
        precondition(
            !name.isEmpty && !name.contains("/") && name != "." && name != "..",
            "HosoHost.open: the directory name must be one path component"
        )
        let directory = try applicationSupport().appendingPathComponent(name, isDirectory: true)
        return try open(dataDirectory: directory, keyProvider: KeychainKeyProvider(account: name))
    }

    /// Opens `dataDirectory` (created if needed) with `keyProvider`: for a
    /// directory elsewhere, such as an App Group container shared with an
    /// extension (give the provider the matching Keychain access group). The
    /// directory is excluded from backups.
    public static func open(dataDirectory: URL, keyProvider: KeyProvider) throws -> HosoHost {
        try prepare(dataDirectory)
        let events = HosoEvents()
        let network = NetworkPathMonitor()
        let hoso = try Hoso(
            dataDir: dataDirectory.path,
            keyProvider: keyProvider,
            listener: events,
            network: network
        )
        network.start { [weak hoso] _ in
            hoso?.networkChanged()
        }
        return HosoHost(hoso: hoso, events: events, network: network, dataDirectory: dataDirectory)
    }

    /// The app's Application Support directory, created if needed.
    static func applicationSupport() throws -> URL {
        try FileManager.default.url(
            for: .applicationSupportDirectory,
            in: .userDomainMask,
            appropriateFor: nil,
            create: true
        )
    }

    /// Creates `directory` if needed and excludes it from iCloud and computer
    /// backups (again on every open: some file operations reset the flag).
    ///
    /// A new directory gets the protection class
    /// `completeUntilFirstUserAuthentication` (the iOS default): the core must
    /// read it in the background while the phone is locked. The app's Data
    /// Protection entitlement must not raise the default to `complete`.
    static func prepare(_ directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication]
        )
        var url = directory
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try url.setResourceValues(values)
    }
}
