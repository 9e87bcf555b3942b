package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.flow.transformWhile
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import vn.hoso.ffi.HosoEvent
import vn.hoso.ffi.SubmissionState

/**
 * One sync round as the apps see it (issue #17: `syncNow`, `refreshStatus`
 * and the background loop run the core's one round): every round ends with
 * `SyncPassFinished` carrying its report, and `refreshStatus` brings the
 * changes of dossiers followed by receipt as well as those filed here.
 */
class RoundTest {
    /** [call]'s result and the events it caused, up to its round's `SyncPassFinished`. */
    private suspend fun <T> HosoClient.heard(call: suspend () -> T): Pair<T, List<HosoEvent>> = coroutineScope {
        val events = async(start = CoroutineStart.UNDISPATCHED) {
            events.transformWhile { emit(it); it !is HosoEvent.SyncPassFinished }.toList()
        }
        val result = call()
        result to withTimeout(10_000) { events.await() }
    }

    /** The round's own report: its last event. */
    private fun List<HosoEvent>.report() = assertIs<HosoEvent.SyncPassFinished>(last(), "$this").summary

    @Test
    fun `every round ends with its report, and followed receipts come back with the status`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-round")
        HosoClient.open(File(dir, "filer"), TestKeys()).use { filer ->
            HosoClient.open(File(dir, "neighbour"), TestKeys()).use { neighbour ->
                // A birth registration, complete and queued.
                filer.updateCatalog(TestPortal.url)
                val id = filer.createDraft(Fixtures.BIRTH, prefill = false).draft.id
                for ((path, value) in Fixtures.birthValues()) filer.setDraftValue(id, path, value)
                filer.attach(id, "doc05", Fixtures.pdf(dir, "giay-chung-sinh.pdf", 20_000))
                filer.register(TestPortal.url, freshPhone(), "khai-sinh-2026!", "Nguyễn Văn An")
                assertEquals(SubmissionState.QUEUED, filer.submit(id, Fixtures.AGENCY).state)

                // Sending: the round ends with the report syncNow returns.
                val (sent, sending) = filer.heard { filer.syncNow() }
                val code = sent.submitted.single()
                assertEquals(sent, sending.report())
                assertTrue(sending.any { it is HosoEvent.Submitted && it.dossierCode == code }, "$sending")

                // A neighbour follows it by the receipt's QR, with an account of their own.
                val qr = assertNotNull(filer.receiptQr(code))
                assertEquals(code, assertNotNull(neighbour.core.follow(qr)).dossierCode)
                neighbour.register(TestPortal.url, freshPhone(), "hang-xom-2026!", "Trần Thị Bình")
                val (first, _) = neighbour.heard { neighbour.refreshStatus() }
                assertEquals(listOf(code to 1), first.map { it.dossierCode to it.status }, "first look")

                // An officer takes the dossier up.
                TestPortal.officer(code, 2, "--note", "Đang xử lý")

                // Status only, on the filing device: the change is the result, an event and
                // the round's report; nothing is sent.
                val (changes, pulling) = filer.heard { filer.refreshStatus() }
                assertEquals(listOf(code to 2), changes.map { it.dossierCode to it.status })
                assertTrue(pulling.any { it is HosoEvent.StatusChanged && it.dossierCode == code && it.status == 2 })
                assertEquals(changes, pulling.report().statusChanges)
                assertTrue(pulling.report().submitted.isEmpty(), "a status refresh sends nothing")

                // On the neighbour's device the followed receipt brings the same change.
                val (theirs, following) = neighbour.heard { neighbour.refreshStatus() }
                assertEquals(listOf(code to 2), theirs.map { it.dossierCode to it.status })
                assertEquals(theirs, following.report().statusChanges)
                assertTrue(following.any { it is HosoEvent.StatusChanged && it.dossierCode == code })
                assertEquals(2, neighbour.followedDossiers().single().status?.status)

                // Nothing new: the next round reports no change, and still ends with its report.
                val (none, quiet) = neighbour.heard { neighbour.refreshStatus() }
                assertTrue(none.isEmpty(), "$none")
                assertTrue(quiet.report().statusChanges.isEmpty())
            }
        }
    }
}
