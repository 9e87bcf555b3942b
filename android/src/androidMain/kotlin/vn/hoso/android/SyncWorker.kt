/*
 * SyncWorker: owns hoso's background sync on Android through WorkManager —
 * the worker that runs one sync pass, and the two schedules that start it
 * (a periodic one and a one-off "sync soon").
 */
package vn.hoso.android

import android.content.Context
import android.os.Build
import android.util.Log
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.OutOfQuotaPolicy
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import androidx.work.workDataOf
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import vn.hoso.ffi.HosoException

/**
 * Runs one hoso sync pass (`Hoso.syncNow`): sends what is due in the outbox
 * (resumable uploads, each dossier exactly once), pulls status changes and
 * refreshes followed receipts. Progress goes to the app's event listener as
 * usual.
 *
 * It gets the app's one [vn.hoso.ffi.Hoso] from the [android.app.Application],
 * which must implement [HosoProvider]; [PlatformVerifier.init] must have run
 * (in `Application.onCreate`).
 *
 * Results: success → `Result.success()`; `HosoException.Network` (the
 * portal unreachable, or `offline`: no validated network), a transient
 * portal error (`rate_limited`, `portal_error`) or a storage error →
 * `Result.retry()` (exponential backoff); `HosoException.NotLoggedIn` and
 * anything else → `Result.failure()` (for the periodic work that only ends
 * this run). Only error codes are logged, never messages or personal data.
 *
 * The class name is stored in WorkManager's database: it must not be renamed
 * or obfuscated (`consumer-rules.pro` keeps it).
 */
class SyncWorker(
    appContext: Context,
    params: WorkerParameters,
) : CoroutineWorker(appContext, params) {

    override suspend fun doWork(): Result {
        val provider = applicationContext as? HosoProvider
        if (provider == null) {
            Log.e(TAG, "the Application does not implement vn.hoso.android.HosoProvider")
            return Result.failure()
        }
        val retryNow = inputData.getBoolean(KEY_RETRY_NOW, false)
        return try {
            // Opening reads the Keystore and the store: never on the main thread.
            val hoso = withContext(Dispatchers.IO) { provider.hoso() }
            // The periodic and the one-off work may be due together: one pass
            // at a time in this process.
            PASS.withLock { hoso.syncNow(retryNow) }
            Result.success()
        } catch (e: CancellationException) {
            // WorkManager stopped the work (constraints lost, replaced): the
            // core journals every step, nothing is lost.
            throw e
        } catch (e: HosoException) {
            outcome(e)
        } catch (e: Exception) {
            // Not the core's: the provider could not open it, or a bug.
            Log.w(TAG, "sync pass failed: ${e.javaClass.simpleName}")
            Result.failure()
        }
    }

    private fun outcome(e: HosoException): Result {
        val (retry, code) = when (e) {
            // Includes `offline`: the core's monitor saw no validated network.
            is HosoException.Network -> true to e.code
            is HosoException.Portal -> (e.code in TRANSIENT_PORTAL_CODES) to e.code
            is HosoException.Storage -> true to e.code
            is HosoException.NotLoggedIn -> false to e.code
            else -> false to e.javaClass.simpleName
        }
        Log.i(TAG, "sync pass ended: $code (${if (retry) "retry" else "no retry"})")
        return if (retry) Result.retry() else Result.failure()
    }

    /** Scheduling: [schedule] once at start, [syncSoon] after queueing something, [cancel] at logout. */
    companion object {
        /** The unique name of the periodic work. */
        const val PERIODIC_WORK = "vn.hoso.sync.periodic"

        /** The unique name of the one-off work. */
        const val SOON_WORK = "vn.hoso.sync.soon"

        /** Input: ignore the outbox's backoff (`syncNow(retryNow = true)`). */
        const val KEY_RETRY_NOW = "retry_now"

        private const val TAG = "hoso.sync"
        private const val PERIOD_MINUTES = 15L // WorkManager's minimum
        private const val BACKOFF_SECONDS = 30L
        private val TRANSIENT_PORTAL_CODES = setOf("rate_limited", "portal_error")

        /** One sync pass at a time in this process. */
        private val PASS = Mutex()

        private fun constraints(): Constraints =
            Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

        /**
         * Schedules a sync every 15 minutes while a network is connected, with
         * exponential backoff after a retry. Idempotent (unique work, updated
         * in place): call it in `Application.onCreate` or after login.
         */
        @JvmStatic
        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(PERIOD_MINUTES, TimeUnit.MINUTES)
                .setConstraints(constraints())
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, BACKOFF_SECONDS, TimeUnit.SECONDS)
                .build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork(PERIODIC_WORK, ExistingPeriodicWorkPolicy.UPDATE, request)
        }

        /**
         * Runs a sync as soon as a network is connected: after the user
         * submits a dossier, or asks to retry ([retryNow]). Expedited from
         * Android 12 (falling back to ordinary work when the app's quota is
         * spent); on older versions it is ordinary work, because expedited
         * work there needs a foreground notification. A request made while
         * one runs is queued behind it, so nothing queued meanwhile waits for
         * the next period.
         */
        @JvmStatic
        @JvmOverloads
        fun syncSoon(context: Context, retryNow: Boolean = false) {
            val builder = OneTimeWorkRequestBuilder<SyncWorker>()
                .setConstraints(constraints())
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, BACKOFF_SECONDS, TimeUnit.SECONDS)
                .setInputData(workDataOf(KEY_RETRY_NOW to retryNow))
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
                builder.setExpedited(OutOfQuotaPolicy.RUN_AS_NON_EXPEDITED_WORK_REQUEST)
            }
            WorkManager.getInstance(context)
                .enqueueUniqueWork(SOON_WORK, ExistingWorkPolicy.APPEND_OR_REPLACE, builder.build())
        }

        /** Cancels both schedules (at logout, or when the user wipes their data). */
        @JvmStatic
        fun cancel(context: Context) {
            val workManager = WorkManager.getInstance(context)
            workManager.cancelUniqueWork(PERIODIC_WORK)
            workManager.cancelUniqueWork(SOON_WORK)
        }
    }
}
