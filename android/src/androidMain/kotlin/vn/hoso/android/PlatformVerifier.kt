/*
 * PlatformVerifier: the Android side of rustls-platform-verifier's
 * initialisation. Owns loading libhoso_ffi.so through JNI (JNA loads it too,
 * for uniffi, but JNI `external fun`s resolve only in libraries loaded with
 * System.loadLibrary) and the one native call that hands the Rust TLS
 * verifier the JVM and the application context.
 */
package vn.hoso.android

import android.content.Context

/**
 * Lets hoso's Rust networking check TLS certificates with Android's own trust
 * manager (system CAs, user CAs where the app's network security config
 * allows them, revocation where Android checks it).
 *
 * Call [init] once, before the first [vn.hoso.ffi.Hoso] call that may reach
 * the network — in `Application.onCreate`, so a process started only for a
 * [SyncWorker] is covered too. Until it has run, every TLS connection of the
 * core fails (the sync reports an error; nothing is sent unverified).
 *
 * The verifier's own Kotlin classes (`org.rustls.platformverifier.*`) come
 * from the `org.rustls:rustls-platform-verifier` AAR this library depends on
 * (see `build.gradle.kts`); `consumer-rules.pro` keeps them from R8.
 */
object PlatformVerifier {
    /** uniffi's component name; `findLibraryName` in the generated code uses the same override. */
    private const val LIBRARY = "hoso_ffi"
    private const val LIBRARY_OVERRIDE = "uniffi.component.hoso_ffi.libraryOverride"

    @Volatile
    private var initialised = false

    /** True once [init] has succeeded in this process. */
    @JvmStatic
    val isInitialised: Boolean
        get() = initialised

    /**
     * Loads `libhoso_ffi.so` and initialises the Rust verifier with the
     * application context of [context] (a global reference to it is kept for
     * the life of the process, so an Activity is never held). Thread-safe;
     * calls after the first success return at once.
     *
     * @throws UnsatisfiedLinkError if the native library is missing from the
     *   APK (an ABI the AAR was not built for).
     * @throws IllegalStateException if the native initialisation failed; the
     *   rest of the core works offline, but it cannot reach the portal.
     */
    @JvmStatic
    fun init(context: Context) {
        if (initialised) return
        synchronized(this) {
            if (initialised) return
            loadLibrary()
            val application = context.applicationContext ?: context
            try {
                nativeInit(application)
            } catch (e: RuntimeException) {
                throw IllegalStateException("rustls-platform-verifier could not be initialised", e)
            }
            initialised = true
        }
    }

    /**
     * The same library JNA opens for the generated bindings (honouring
     * uniffi's `libraryOverride` system property: a name, or an absolute
     * path); loading it twice is harmless, the dynamic linker shares it.
     */
    private fun loadLibrary() {
        val override = System.getProperty(LIBRARY_OVERRIDE)
        when {
            override.isNullOrEmpty() -> System.loadLibrary(LIBRARY)
            override.contains('/') -> System.load(override)
            else -> System.loadLibrary(override)
        }
    }

    /** Implemented in Rust: `Java_vn_hoso_android_PlatformVerifier_nativeInit` in bindings/src/android.rs. */
    @JvmStatic
    private external fun nativeInit(context: Context)
}
