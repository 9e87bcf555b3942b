package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import vn.hoso.ffi.SubmissionState

/**
 * Eight coroutines search and edit drafts — one draft of their own and one
 * shared by all — while a sync uploads and submits a dossier and the
 * background loop runs: no crash, no deadlock (everything finishes within
 * the timeout), no lost edit.
 */
class ConcurrencyTest {
    private val sharedFields = listOf(
        "applicant.full_name", "applicant.address.detail", "child.full_name", "child.place_of_birth",
        "mother.full_name", "mother.address.detail", "father.full_name", "father.address.detail",
    )

    @Test
    fun `eight coroutines edit and search while a sync runs`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-concurrency")
        HosoClient.open(File(dir, "device"), TestKeys()).use { hoso ->
            hoso.updateCatalog(TestPortal.url)
            hoso.register(TestPortal.url, freshPhone(), "dong-thoi-2026!", "Lê Văn Cường")

            // A dossier with a 6 MB file waits in the outbox.
            val sent = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
            for ((path, value) in Fixtures.birthValues()) hoso.setDraftValue(sent, path, value)
            hoso.attach(sent, "doc05", Fixtures.pdf(dir, "large.pdf", 6_000_000))
            hoso.submit(sent, Fixtures.AGENCY)

            val shared = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
            val own = (0 until 8).map { hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id }
            val rounds = 25
            val startRevision = hoso.draft(shared).draft.revision

            withTimeout(180_000) {
                hoso.startBackgroundSync()
                val sync = async(Dispatchers.Default) { hoso.syncNow() }
                val workers = (0 until 8).map { i ->
                    launch(Dispatchers.Default) {
                        for (n in 0 until rounds) {
                            val hits = hoso.search(if (n % 2 == 0) "khai sinh" else "dang ky ket hon")
                            assertTrue(hits.isNotEmpty(), "search $n of worker $i")
                            hoso.setDraftValue(own[i], "child.place_of_birth", "Bệnh viện số $i-$n")
                            hoso.setDraftValue(shared, sharedFields[i], "Giá trị $i-$n")
                            if (n % 5 == 0) hoso.drafts()
                        }
                    }
                }
                workers.forEach { it.join() }
                val summary = sync.await()
                hoso.stopBackgroundSync()
                // The pass or the loop sent it; either way exactly once.
                val outbox = hoso.outbox().single()
                assertEquals(SubmissionState.SUBMITTED, outbox.state, "${outbox.lastError}")
                assertTrue(summary.submitted.size <= 1)
            }

            // No lost edit: every worker's last value, every revision counted.
            val after = hoso.draft(shared).draft
            for ((i, field) in sharedFields.withIndex()) {
                assertEquals("Giá trị $i-${rounds - 1}", after.values[field], field)
            }
            assertEquals(startRevision + 8L * rounds, after.revision)
            own.forEachIndexed { i, id ->
                assertEquals("Bệnh viện số $i-${rounds - 1}", hoso.draft(id).draft.values["child.place_of_birth"])
            }
            assertEquals(1, hoso.dossiers().size)
            listOf(own, listOf(shared)).flatten().map { id -> async { hoso.validateDraft(id, false) } }.awaitAll()
        }
    }
}
