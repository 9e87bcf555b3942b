/*
 * ConnectivityNetworkMonitor: owns hoso's view of the device's network on
 * Android — the NetworkMonitor the core asks before each sync, and the
 * default-network callback that tells the app when that view changes.
 */
package vn.hoso.android

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import android.os.Build
import android.util.Log
import androidx.core.content.ContextCompat
import java.util.concurrent.atomic.AtomicBoolean
import vn.hoso.ffi.HostException
import vn.hoso.ffi.NetworkMonitor
import vn.hoso.ffi.NetworkState

/**
 * Tells hoso's core whether the device is online and whether the connection
 * is metered, from [ConnectivityManager]'s default network:
 *
 * - [NetworkState.OFFLINE] without a default network, or when it lacks
 *   `NET_CAPABILITY_INTERNET` or `NET_CAPABILITY_VALIDATED` (a captive portal,
 *   a Wi-Fi without a working uplink): the core does not try to sync.
 * - [NetworkState.UNMETERED] with `NET_CAPABILITY_NOT_METERED` (or, from
 *   Android 11, `NET_CAPABILITY_TEMPORARILY_NOT_METERED`): large files go.
 * - [NetworkState.METERED] otherwise: large files wait for Wi-Fi.
 *
 * It registers a default network callback when made and calls [onChange]
 * (on the system's connectivity thread) each time that state changes; the
 * app passes `{ hoso.networkChanged() }` so the background loop re-reads the
 * network. Keep one per process (Android limits callbacks per app) and
 * [close] it when the app's [vn.hoso.ffi.Hoso] is closed.
 *
 * Needs `android.permission.ACCESS_NETWORK_STATE` (this library's manifest
 * declares it).
 *
 * @param context any context; the application context is kept.
 * @param onChange called after the state changed; must return quickly.
 */
class ConnectivityNetworkMonitor(
    context: Context,
    private val onChange: () -> Unit,
) : NetworkMonitor, AutoCloseable {

    private val connectivity: ConnectivityManager =
        ContextCompat.getSystemService(context.applicationContext ?: context, ConnectivityManager::class.java)
            ?: throw IllegalStateException("no ConnectivityManager on this device")

    /** The last state passed on; callbacks arrive one at a time on one thread. */
    @Volatile
    private var last: NetworkState? = null

    private val registered = AtomicBoolean(false)

    private val callback = object : ConnectivityManager.NetworkCallback() {
        override fun onAvailable(network: Network) {
            // From Android 8, onCapabilitiesChanged always follows with fresh
            // capabilities; before, it may not, so ask once here.
            if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) {
                changed(stateOf(connectivity.getNetworkCapabilities(network)))
            }
        }

        override fun onCapabilitiesChanged(network: Network, capabilities: NetworkCapabilities) {
            changed(stateOf(capabilities))
        }

        override fun onLost(network: Network) {
            changed(NetworkState.OFFLINE)
        }
    }

    init {
        connectivity.registerDefaultNetworkCallback(callback)
        registered.set(true)
    }

    /**
     * The network now (asked of [ConnectivityManager], not cached), for the
     * core before each sync. Called from the core's threads.
     *
     * @throws HostException.Failed if the system refused to answer; the core
     *   then assumes a metered network.
     */
    override fun networkState(): NetworkState = try {
        val network = connectivity.activeNetwork
        if (network == null) NetworkState.OFFLINE else stateOf(connectivity.getNetworkCapabilities(network))
    } catch (e: RuntimeException) {
        // SecurityException without ACCESS_NETWORK_STATE, or a dead system server.
        throw HostException.Failed("connectivity: ${e.javaClass.simpleName}")
    }

    /** Unregisters the callback; [networkState] still answers. Idempotent. */
    override fun close() {
        if (registered.compareAndSet(true, false)) {
            try {
                connectivity.unregisterNetworkCallback(callback)
            } catch (e: IllegalArgumentException) {
                // Already unregistered by the system: nothing to do.
            }
        }
    }

    private fun changed(state: NetworkState) {
        if (state == last) return
        last = state
        try {
            onChange()
        } catch (e: RuntimeException) {
            // Never let the app's callback kill the connectivity thread.
            Log.w(TAG, "network change listener failed: ${e.javaClass.simpleName}")
        }
    }

    private companion object {
        const val TAG = "hoso.network"

        fun stateOf(capabilities: NetworkCapabilities?): NetworkState = when {
            capabilities == null -> NetworkState.OFFLINE
            !capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET) -> NetworkState.OFFLINE
            !capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED) -> NetworkState.OFFLINE
            capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED) -> NetworkState.UNMETERED
            Build.VERSION.SDK_INT >= Build.VERSION_CODES.R &&
                capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_TEMPORARILY_NOT_METERED) ->
                NetworkState.UNMETERED
            else -> NetworkState.METERED
        }
    }
}
