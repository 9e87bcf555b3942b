/*
 * HosoProvider: how Android components that WorkManager (or the system)
 * starts on their own — SyncWorker today — reach the app's one Hoso.
 * Owns nothing but the contract; the Application implements it.
 */
package vn.hoso.android

import vn.hoso.ffi.Hoso

/**
 * Implemented by the app's [android.app.Application] so components the system
 * starts without the app's UI (a [SyncWorker] after a reboot, a process
 * started only for background work) get the same [Hoso] as the rest of the
 * app.
 *
 * Rules for the implementation:
 * - **One [Hoso] per data directory per process.** Open it once (lazily, under
 *   a lock: `by lazy` is enough) and return that object on every call; never
 *   open a second one on the same directory, and do not close it while the
 *   process may still use it. Close it (`close()`/`use {}`) only when the
 *   process is really done with it, e.g. after wiping the user's data.
 * - **Opening blocks** (the Android Keystore and the store on disk): callers
 *   such as [SyncWorker] call [hoso] off the main thread; the app should do
 *   the same for its first call.
 * - [PlatformVerifier.init] must have run before the returned object makes
 *   its first network call: call it in `Application.onCreate`.
 *
 * ```kotlin
 * class HosoApp : Application(), HosoProvider {
 *     private val network by lazy {
 *         ConnectivityNetworkMonitor(this) { if (core.isInitialized()) core.value.networkChanged() }
 *     }
 *     private val core = lazy {
 *         Hoso(
 *             File(noBackupFilesDir, "hoso").path,   // sealed data: never in Auto Backup
 *             AndroidKeystoreKeyProvider(this),
 *             null,                                  // or an EventListener (HosoClient has one)
 *             network,
 *         )
 *     }
 *
 *     override fun onCreate() {
 *         super.onCreate()
 *         PlatformVerifier.init(this)
 *         SyncWorker.schedule(this)
 *     }
 *
 *     override fun hoso(): Hoso = core.value
 * }
 * ```
 */
interface HosoProvider {
    /**
     * The process-wide [Hoso], opened on the first call.
     *
     * @throws vn.hoso.ffi.HosoException when it cannot be opened (for example
     *   `KeyUnavailable` or `WrongKey` from the key provider, `Storage` from
     *   the disk).
     */
    fun hoso(): Hoso
}
