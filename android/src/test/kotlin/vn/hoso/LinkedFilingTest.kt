package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import vn.hoso.ffi.FilingChannel
import vn.hoso.ffi.ReceiptVerdict

/**
 * A linked filing from Kotlin (issue #22): the birth group 2.000986 (birth
 * registration + permanent residence + a child's health insurance card)
 * drafted once, the birth certificate attached once, submitted once, filed
 * by the real portal as three dossiers with their own receipts, and
 * followed as one group while an officer moves a part.
 */
class LinkedFilingTest {
    @Test
    fun `a birth group is drafted once, filed as three dossiers and followed as one`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-linked")
        HosoClient.open(File(dir, "device"), TestKeys()).use { hoso ->
            hoso.updateCatalog(TestPortal.url)
            val form = hoso.createDraft(GROUP, prefill = false)
            val id = form.draft.id
            val values = Fixtures.birthValues() + mapOf(
                "residence.with" to "parents",
                "residence.address.province" to "Nghệ An",
                "residence.address.commune" to "Phường Trường Vinh",
                "residence.address.detail" to "Số 12, khối 3",
                "residence.head_full_name" to "Nguyễn Văn An",
                "residence.head_id_number" to "040090012345",
                "residence.relation_to_head" to "con",
                "health_insurance.delivery" to "commune",
            )
            for ((path, value) in values) {
                val change = hoso.setDraftValue(id, path, value)
                assertEquals(null, change.problem, "$path: ${change.problem}")
            }
            // The birth certificate, once for the three procedures.
            hoso.attach(id, "doc03", Fixtures.pdf(dir, "giay-chung-sinh.pdf", 200_000))
            val report = hoso.validateDraft(id)
            assertTrue(report.ready, "$report")

            hoso.register(TestPortal.url, freshPhone(), "khai-sinh-2026!", "Nguyễn Văn An")
            // The group's page offers the one-stop counter only.
            hoso.submit(id, Fixtures.AGENCY, FilingChannel.IN_PERSON)
            val summary = hoso.syncNow()
            assertEquals(3, summary.submitted.size, "one submission, three dossiers: $summary")
            assertEquals(1, hoso.outbox().size)

            val group = hoso.linkedFilings().single()
            assertEquals(GROUP, group.procedureCode)
            assertEquals("in_progress", group.state)
            assertEquals(listOf("birth", "residence", "health_insurance"), group.parts.map { it.linkedPart })
            assertEquals(listOf(Fixtures.BIRTH, "1.004222", GROUP), group.parts.map { it.procedureCode })
            assertEquals(summary.submitted.sorted(), group.parts.map { it.code }.sorted())
            for (part in group.parts) {
                assertEquals(1, part.status)
                assertEquals(group.groupId, part.linkedGroupId)
                // Each part has its own signed receipt, verified offline.
                val qr = assertNotNull(part.receiptQr)
                val check = hoso.verifyReceipt(qr)
                assertEquals(ReceiptVerdict.VALID, check.verdict.verdict, check.verdict.messageEn)
                assertEquals(part.code, check.dossierCode)
            }

            // An officer registers the birth and returns the certificate.
            val birth = group.parts.first().code
            for (status in listOf(2, 4, 9, 10)) {
                TestPortal.officer(birth, status, "--note", "Khai sinh")
            }
            hoso.refreshStatus()
            val now = hoso.linkedFilings().single()
            assertEquals(1L, now.partsDone)
            assertEquals(listOf(10, 1, 1), now.parts.map { it.status })
            assertEquals("in_progress", now.state)
        }
    }

    private companion object {
        const val GROUP = "2.000986"
    }
}
