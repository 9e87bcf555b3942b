package vn.hoso

import java.io.File
import kotlin.random.Random
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.takeWhile
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import vn.hoso.ffi.FilingChannel
import vn.hoso.ffi.HosoEvent
import vn.hoso.ffi.ProcedureLevel
import vn.hoso.ffi.ReceiptVerdict
import vn.hoso.ffi.SearchOptions
import vn.hoso.ffi.SubmissionState

/** A mobile phone number for a fresh portal account. */
fun freshPhone(): String = "0912" + (1..6).joinToString("") { Random.nextInt(10).toString() }

/**
 * The whole journey from Kotlin against a real hoso-portal on loopback:
 * catalog from the portal, search, a birth registration drafted offline,
 * a file attached with progress heard in Kotlin, submitted and synced
 * exactly once, status followed, and the receipt QR verified offline.
 */
class FullFlowTest {
    @Test
    fun `search, draft, attach, submit, sync, status and receipt`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-flow")
        val keys = TestKeys()
        HosoClient.open(File(dir, "device"), keys).use { hoso ->
            assertEquals(1, keys.requests.get(), "the key is asked for once, when opening")

            // Catalog and signing keys from the portal; search as people type.
            val update = hoso.updateCatalog(TestPortal.url)
            assertTrue(update.catalogChanged)
            assertTrue(update.signingKeysVersion >= 1)
            val hits = hoso.search("dang ky khai sinh", SearchOptions(limit = 5))
            assertEquals(Fixtures.BIRTH, hits.first().code, "no diacritics: $hits")
            assertEquals(Fixtures.BIRTH, hoso.search("dang ki khai sinh").first().code, "a typo")
            val detail = hoso.procedure(Fixtures.BIRTH)
            assertTrue(detail.documents.isNotEmpty())

            // The draft, field by field, as a form screen would.
            val form = hoso.createDraft(Fixtures.BIRTH, prefill = false)
            val id = form.draft.id
            assertTrue(form.groups.any { g -> g.entries.any { e -> e.fields.any { it.path == "child.full_name" } } })
            for ((path, value) in Fixtures.birthValues()) {
                val change = hoso.setDraftValue(id, path, value)
                assertEquals(null, change.problem, "$path: ${change.problem}")
            }
            val missing = hoso.validateDraft(id)
            assertFalse(missing.ready, "a document is still missing")
            // On the form version it was started on: nothing to move.
            assertEquals(1u, missing.draftFormVersion)
            assertEquals(1u, missing.currentFormVersion)
            assertTrue(missing.formChanges.isEmpty())

            // Attach a 2 MB PDF; its progress arrives as Kotlin events.
            val pdf = Fixtures.pdf(dir, "giay-chung-sinh.pdf", 2_000_000)
            val progress = async(start = CoroutineStart.UNDISPATCHED) {
                hoso.attachProgress(id, "doc05").takeWhile { it.done < it.total }.toList()
            }
            val attached = hoso.attach(id, "doc05", pdf)
            val seen = withTimeout(10_000) { progress.await() }
            assertEquals(pdf.length(), attached.size)
            assertEquals("application/pdf", attached.mediaType)
            assertTrue(seen.size >= 4, "progress events: ${seen.size}")
            assertTrue(seen.zipWithNext().all { (a, b) -> a.done <= b.done }, "progress only grows")
            assertTrue(seen.all { it.total == pdf.length() })
            assertTrue(hoso.validateDraft(id).ready)

            // Account, outbox, one sync: exactly one dossier at the portal.
            hoso.register(TestPortal.url, freshPhone(), "khai-sinh-2026!", "Nguyễn Văn An")
            // The receiving ward, picked from the portal's list (diacritics optional).
            val wards = hoso.receivingAgencies(Fixtures.BIRTH, "Nghe An")
            val ward = assertNotNull(wards.find { it.code == Fixtures.AGENCY }, "$wards")
            assertEquals(ProcedureLevel.COMMUNE, ward.level)
            assertTrue(wards.all { it.province == "Nghệ An" }, "$wards")
            val queued = hoso.submit(id, ward.code, FilingChannel.ONLINE)
            assertEquals(SubmissionState.QUEUED, queued.state)
            val uploads = async(start = CoroutineStart.UNDISPATCHED) {
                hoso.events.takeWhile { it !is HosoEvent.SyncPassFinished }.toList()
            }
            val summary = hoso.syncNow()
            val code = summary.submitted.single()
            assertTrue(code.startsWith("${Fixtures.AGENCY}-"), code)
            val during = withTimeout(10_000) { uploads.await() }
            assertTrue(during.any { it is HosoEvent.UploadProgress }, "upload progress heard")
            assertTrue(during.any { it is HosoEvent.Submitted && it.dossierCode == code })
            assertEquals(SubmissionState.SUBMITTED, hoso.outbox().single().state)
            assertEquals(code, hoso.outbox().single().dossierCode)
            assertTrue(hoso.syncNow().submitted.isEmpty(), "sent exactly once")

            // Status: received (1), then an officer takes it up (2).
            val dossier = assertNotNull(hoso.dossier(code))
            assertEquals(1, dossier.status)
            TestPortal.officer(code, 2, "--note", "Đang xử lý")
            val changes = hoso.refreshStatus()
            assertTrue(changes.any { it.dossierCode == code && it.status == 2 }, "$changes")
            val now = assertNotNull(hoso.dossier(code))
            assertEquals(2, now.status)
            assertEquals(listOf(1, 2), now.history.map { it.status })

            // The receipt: verified offline with the keys the catalog update brought.
            val qr = assertNotNull(hoso.receiptQr(code))
            val check = hoso.verifyReceipt(qr)
            assertEquals(ReceiptVerdict.VALID, check.verdict.verdict, check.verdict.messageEn)
            assertEquals(code, check.dossierCode)
            assertEquals(Fixtures.BIRTH, check.receipt?.procedureCode)
            val forged = qr.dropLast(1) + if (qr.last() == '0') '1' else '0'
            assertFalse(hoso.verifyReceipt(forged).verdict.verdict == ReceiptVerdict.VALID)

            // Drawn as a PNG and read back from the picture.
            val png = File(dir, "receipt.png")
            hoso.writeQrPng(qr, png)
            assertEquals(listOf(qr), hoso.readQrPicture(png))
        }
    }
}
