package vn.hoso

import java.io.File
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Test
import vn.hoso.ffi.FilingChannel
import vn.hoso.ffi.HosoException
import vn.hoso.ffi.ReceiptVerdict

/**
 * Fees from Kotlin (issue #23): re-issuing the ID card (1.014064) online
 * charges a fee; its VietQR is shown offline and checked before paying; the
 * simulated bank pays too little (not paid), then the rest (paid: a payment
 * event, the electronic receipt verified offline, no QR any more); the same
 * bank notification again changes nothing; an officer's fee request (status
 * 6) is paid the same way and the dossier goes back to processing.
 */
class PaymentTest {
    private fun outcome(answer: String): String =
        Json.parseToJsonElement(answer).jsonObject.getValue("outcome").jsonPrimitive.content

    @Test
    fun `a fee is paid by VietQR and its receipt reaches the phone`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-pay")
        HosoClient.open(File(dir, "device"), TestKeys()).use { hoso ->
            hoso.updateCatalog(TestPortal.url)
            val id = hoso.createDraft(ID_CARD, prefill = false).draft.id
            for ((path, value) in VALUES) {
                val change = hoso.setDraftValue(id, path, value)
                assertEquals(null, change.problem, "$path: ${change.problem}")
            }
            hoso.attach(id, "doc02", Fixtures.pdf(dir, "dc02.pdf", 50_000))
            assertTrue(hoso.validateDraft(id).ready)
            hoso.register(TestPortal.url, freshPhone(), "khai-sinh-2026!", "Nguyễn Văn An")
            hoso.submit(id, Fixtures.AGENCY, FilingChannel.ONLINE)
            val code = hoso.syncNow().submitted.single()

            // The fee of the day, with its VietQR, from what the device holds.
            val amount = if (LocalDate.now() <= LocalDate.of(2026, 12, 31)) 35_000L else 70_000L
            val fee = hoso.payments(code).payments.single()
            assertEquals("filing", fee.kind)
            assertEquals("to_pay", fee.state)
            assertEquals(amount, fee.leftVnd)
            assertEquals("BIDV", fee.bankName)
            val qr = assertNotNull(fee.vietqr)
            val png = File(dir, "fee.png")
            hoso.writeQrPng(qr, png)
            assertEquals(listOf(qr), hoso.readQrPicture(png))
            val check = hoso.checkPaymentQr(qr)
            assertEquals("payable", check.advice, check.messageEn)
            assertEquals(code, check.dossierCode)
            assertEquals(amount, check.amountVnd)
            // Not a VietQR, or damaged: a typed refusal.
            assertFailsWith<HosoException.InvalidInput> { hoso.checkPaymentQr(qr.dropLast(1) + "0") }

            // Too little is not paid; the QR then asks for what is left.
            assertEquals("partly_paid", outcome(TestPortal.pay(fee.reference, amount - 5_000, "KT-0001")))
            hoso.syncNow()
            val partly = hoso.payments(code).payments.single()
            assertEquals("partly_paid", partly.state)
            assertEquals(5_000L, partly.leftVnd)
            val rest = assertNotNull(partly.vietqr)

            // The rest: paid, heard as an event; the receipt verifies offline.
            val paidEvent = async(start = CoroutineStart.UNDISPATCHED) {
                hoso.paymentChanges.first { it.dossierCode == code && it.status == "paid" }
            }
            assertEquals("paid", outcome(TestPortal.pay(fee.reference, 5_000, "KT-0002")))
            hoso.syncNow()
            val heard = withTimeout(10_000) { paidEvent.await() }
            assertEquals(amount, heard.paidVnd)
            val paid = hoso.payments(code)
            assertTrue(paid.settled)
            val done = paid.payments.single()
            assertEquals("paid", done.state)
            assertNull(done.vietqr, "a paid request shows no QR")
            val receipt = assertNotNull(done.receipt)
            assertEquals(ReceiptVerdict.VALID, receipt.verdict.verdict, receipt.verdict.messageEn)
            assertEquals(amount, receipt.amountVnd)
            assertEquals("KT-0002", receipt.transactionId)
            val again = hoso.checkPaymentQr(rest)
            assertEquals("already_paid", again.advice)
            assertFalse(again.mayPay)

            // The bank's notification again: nothing changes.
            assertEquals("paid", outcome(TestPortal.pay(fee.reference, 5_000, "KT-0002")))
            hoso.syncNow()
            assertEquals(paid.payments, hoso.payments(code).payments)

            // An officer's fee request (status 6), paid the same way.
            TestPortal.officer(code, 2, "--note", "Tiếp nhận")
            TestPortal.officer(code, 4, "--note", "Xử lý")
            TestPortal.officer(code, 6, "--note", "Phí chuyển phát", "--amount", "22000", "--due", "2099-12-31")
            hoso.syncNow()
            val asked = hoso.payments(code).payments
            assertEquals(listOf("paid", "to_pay"), asked.map { it.state })
            val second = asked[1]
            assertEquals("fee_request", second.kind)
            assertEquals(22_000L, second.amountVnd)
            assertEquals("partly_paid", outcome(TestPortal.pay(second.reference, 20_000, "KT-0003")))
            hoso.syncNow()
            assertEquals(6, hoso.dossier(code)?.status, "a wrong amount is not paid")
            assertEquals("paid", outcome(TestPortal.pay(second.reference, 2_000, "KT-0004")))
            hoso.syncNow()
            assertTrue(hoso.payments(code).settled)
            assertEquals(4, hoso.dossier(code)?.status)
        }
    }

    private companion object {
        const val ID_CARD = "1.014064"
        val VALUES = mapOf(
            "applicant.full_name" to "Nguyễn Văn An",
            "applicant.date_of_birth" to "12/05/1990",
            "applicant.sex" to "male",
            "applicant.id_number" to "040090012345",
            "applicant.phone" to "0912345678",
            "applicant.address.province" to "Nghệ An",
            "applicant.address.commune" to "Phường Trường Vinh",
            "applicant.address.detail" to "Số 12, khối 3",
            "request.reason" to "lost",
            "request.for_minor" to "false",
            "request.delivery" to "office",
        )
    }
}
