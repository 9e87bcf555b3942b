package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.hoso.ffi.EventListener
import vn.hoso.ffi.HosoEvent
import vn.hoso.ffi.HosoException
import vn.hoso.ffi.NetworkMonitor
import vn.hoso.ffi.NetworkState
import vn.hoso.ffi.ReceiptVerdict

/**
 * Bad input, missing things, a portal that refuses or cannot be reached,
 * and a host that throws: each arrives in Kotlin as its typed exception with
 * a stable code and both languages' messages, never as a crash, and nothing
 * saved is lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private val dir = Fixtures.scratch("hoso-errors")
    private lateinit var hoso: HosoClient

    @BeforeAll
    fun open() = runBlocking<Unit> {
        hoso = HosoClient.open(File(dir, "device"), TestKeys())
        hoso.updateCatalog(TestPortal.url)
    }

    /** The common shape of every error: code, and "vi / en" messages. */
    private fun HosoException.checkMessages(code: String) {
        val (c, vi, en) = when (this) {
            is HosoException.NotFound -> Triple(this.code, messageVi, messageEn)
            is HosoException.InvalidInput -> Triple(this.code, messageVi, messageEn)
            is HosoException.NotReady -> Triple(this.code, messageVi, messageEn)
            is HosoException.NoCatalog -> Triple(this.code, messageVi, messageEn)
            is HosoException.KeyUnavailable -> Triple(this.code, messageVi, messageEn)
            is HosoException.WrongKey -> Triple(this.code, messageVi, messageEn)
            is HosoException.Damaged -> Triple(this.code, messageVi, messageEn)
            is HosoException.Storage -> Triple(this.code, messageVi, messageEn)
            is HosoException.NotLoggedIn -> Triple(this.code, messageVi, messageEn)
            is HosoException.Network -> Triple(this.code, messageVi, messageEn)
            is HosoException.Portal -> Triple(this.code, messageVi, messageEn)
            is HosoException.Receipt -> Triple(this.code, messageVi, messageEn)
            is HosoException.Cancelled -> Triple(this.code, messageVi, messageEn)
            is HosoException.Internal -> Triple(this.code, messageVi, messageEn)
        }
        assertEquals(code, c, "code of $this")
        assertTrue(vi.isNotBlank() && en.isNotBlank(), "both messages: $this")
        assertNotEquals(vi, en, "two languages")
        assertEquals("$vi / $en", message, "the exception's message is the message itself")
    }

    @Test
    fun `missing things are NotFound`() = runBlocking<Unit> {
        assertFailsWith<HosoException.NotFound> { hoso.draft("01NOSUCHDRAFT") }.checkMessages("draft_not_found")
        assertFailsWith<HosoException.NotFound> { hoso.procedure("9.999999") }.checkMessages("not_found")
        assertFailsWith<HosoException.NotFound> { hoso.createDraft("9.999999") }
            .checkMessages("procedure_not_found")
        assertFailsWith<HosoException.NotFound> { hoso.core.unfollow("H40.22-261123-9999") }
            .checkMessages("not_followed")
    }

    @Test
    fun `bad input is InvalidInput and what was saved stays`() = runBlocking<Unit> {
        val id = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
        hoso.setDraftValue(id, "child.full_name", "Nguyễn Minh Khang")
        assertFailsWith<HosoException.InvalidInput> { hoso.setDraftValue(id, "child.no_such_field", "x") }
            .checkMessages("unknown_field")
        val text = File(dir, "notes.txt").apply { writeText("không phải giấy tờ") }
        val wrongType = assertFailsWith<HosoException.InvalidInput> { hoso.attach(id, "doc05", text) }
        assertTrue(wrongType.code in setOf("unknown_type", "wrong_type"), wrongType.code)
        assertFailsWith<HosoException.InvalidInput> { hoso.attach(id, "doc05", File(dir, "absent.pdf")) }
            .checkMessages("io")
        assertFailsWith<HosoException.InvalidInput> { hoso.attach(id, "doc99", text) }.checkMessages("unknown_slot")
        assertFailsWith<HosoException.InvalidInput> { hoso.logIn("ftp://portal", "0912345678", "x") }
            .checkMessages("bad_url")
        assertFailsWith<HosoException.InvalidInput> { hoso.logIn("http://portal.example.vn", "0912345678", "x") }
            .checkMessages("insecure_url")
        assertEquals("Nguyễn Minh Khang", hoso.draft(id).draft.values["child.full_name"], "nothing saved was lost")
    }

    @Test
    fun `an incomplete draft is NotReady and needs an agency`() = runBlocking<Unit> {
        val id = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
        assertFailsWith<HosoException.NotReady> { hoso.submit(id, Fixtures.AGENCY) }.checkMessages("draft_not_ready")
        assertFailsWith<HosoException.InvalidInput> { hoso.submit(id, null) }.checkMessages("agency_required")
        assertTrue(hoso.outbox().none { it.draftId == id })
    }

    @Test
    fun `the portal's refusals and absence`() = runBlocking<Unit> {
        val fresh = HosoClient.open(File(dir, "logged-out"), TestKeys())
        fresh.use {
            assertFailsWith<HosoException.NotLoggedIn> { it.syncNow() }.checkMessages("not_logged_in")
            assertFailsWith<HosoException.NoCatalog> { it.search("khai sinh") }.checkMessages("no_catalog")
            val phone = freshPhone()
            it.register(TestPortal.url, phone, "mat-khau-dung-2026", "Trần Thị Bình")
            assertFailsWith<HosoException.Portal> { it.logIn(TestPortal.url, phone, "mat-khau-sai") }
                .checkMessages("invalid_credentials")
            assertFailsWith<HosoException.Portal> {
                it.register(TestPortal.url, phone, "mat-khau-dung-2026", "Trần Thị Bình")
            }.checkMessages("account_exists")
            // Nothing listens on port 1.
            assertFailsWith<HosoException.Network> { it.logIn("http://127.0.0.1:1", phone, "x") }
                .checkMessages("network")
        }
    }

    @Test
    fun `receipts that are not receipts`() = runBlocking<Unit> {
        val verdict = hoso.verifyReceipt("HS1:NOT-A-RECEIPT")
        assertEquals(ReceiptVerdict.MALFORMED, verdict.verdict.verdict)
        assertFailsWith<HosoException.Receipt> { hoso.scan("xin chào") }.checkMessages("unrecognised_qr")
        val notPicture = File(dir, "photo.png").apply { writeText("not a picture") }
        assertFailsWith<HosoException.Receipt> { hoso.readQrPicture(notPicture) }.checkMessages("bad_image")
        assertFailsWith<HosoException.Receipt> { hoso.lookUp("H40.22-261123-0001", TestPortal.url) }
            .checkMessages("needs_token")
    }

    @Test
    fun `a host that throws is an error value, never a crash`() = runBlocking<Unit> {
        assertFailsWith<HosoException.KeyUnavailable> {
            HosoClient.open(File(dir, "locked"), TestKeys.locked())
        }.checkMessages("key_unavailable")
        val undeclared = TestKeys().apply { failWith = IllegalStateException("keystore exploded") }
        assertFailsWith<HosoException.KeyUnavailable> { HosoClient.open(File(dir, "exploded"), undeclared) }
        assertFailsWith<HosoException.KeyUnavailable> {
            HosoClient.open(File(dir, "short-key"), TestKeys(ByteArray(16)))
        }

        // A listener and a monitor that throw: calls still work.
        val deaf = object : EventListener {
            override fun onEvent(event: HosoEvent) = throw IllegalStateException("listener broke")
        }
        val offline = object : NetworkMonitor {
            override fun networkState() = NetworkState.OFFLINE
        }
        vn.hoso.ffi.Hoso(File(dir, "hosts").path, TestKeys(), deaf, offline).use { core ->
            core.importCatalog(requireProperty("hoso.shared.data"))
            val id = core.createDraft(Fixtures.BIRTH, false).draft.id
            val pdf = Fixtures.pdf(dir, "small.pdf", 10_000)
            core.attach(id, "doc05", pdf.path)
            assertEquals(1, core.attachments(id).size)
            assertFailsWith<HosoException.Network> { core.syncNow(false) }.checkMessages("offline")
        }
    }
}
