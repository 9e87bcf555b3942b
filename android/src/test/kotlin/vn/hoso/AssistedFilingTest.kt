package vn.hoso

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.ConcurrentHashMap
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Test
import vn.hoso.ffi.ApprovalState
import vn.hoso.ffi.AuditAction
import vn.hoso.ffi.ConsentFormRequest
import vn.hoso.ffi.ConsentMethod
import vn.hoso.ffi.HosoException
import vn.hoso.ffi.NewConsent
import vn.hoso.ffi.SecretStore
import vn.hoso.ffi.VolunteerTeam

/** The host's secret store in memory, as the Keystore would keep it. */
class MemorySecretStore : SecretStore {
    val secrets = ConcurrentHashMap<String, ByteArray>()

    override fun get(name: String): ByteArray? = secrets[name]?.copyOf()

    override fun put(name: String, secret: ByteArray) {
        secrets[name] = secret.copyOf()
    }

    override fun delete(name: String) {
        secrets.remove(name)
    }
}

/**
 * Assisted filing from Kotlin (issue #19) against a real hoso-portal: a
 * volunteer registers (pending until the commune approves), prints the
 * consent form, creates three residents offline with their consent (one by
 * signed form with its scan), drafts a birth registration for one and a
 * permanent-residence registration for another, attaches files, syncs once
 * when approved, and each dossier on the portal names its resident and
 * consent; the handover sheets are written; one resident is wiped and
 * nothing of theirs can be read through any call afterwards.
 */
class AssistedFilingTest {
    private val dir = Fixtures.scratch("hoso-assisted")
    private val password = "to-cong-nghe-so#7"
    private val team = VolunteerTeam(
        team = "Tổ công nghệ số cộng đồng phường Trường Vinh",
        province = "Nghệ An",
        commune = "Phường Trường Vinh",
    )

    private fun residenceValues(): Map<String, String> {
        val text = File(requireProperty("hoso.test.data"), "permanent-residence.json").readText()
        return Json.parseToJsonElement(text).jsonObject.mapValues { it.value.jsonPrimitive.content }
    }

    /** The dossier as the portal holds it, read with the volunteer's own login. */
    private fun portalDossier(phone: String, code: String): JsonObject {
        val http = HttpClient.newHttpClient()
        val login = http.send(
            HttpRequest.newBuilder(URI("${TestPortal.url}/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""{"phone":"$phone","password":"$password"}"""))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, login.statusCode(), login.body())
        val token = Json.parseToJsonElement(login.body()).jsonObject["access_token"]!!.jsonPrimitive.content
        val dossier = http.send(
            HttpRequest.newBuilder(URI("${TestPortal.url}/v1/dossiers/$code"))
                .header("Authorization", "Bearer $token")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, dossier.statusCode(), dossier.body())
        return Json.parseToJsonElement(dossier.body()).jsonObject
    }

    @Test
    fun `a volunteer files for three residents, hands over, and wipes one`() = runBlocking<Unit> {
        val data = File(dir, "device")
        HosoClient.open(data, TestKeys()).use { hoso ->
            hoso.updateCatalog(TestPortal.url)
            val phone = freshPhone()
            val account = hoso.registerVolunteer(TestPortal.url, phone, password, "Hồ Thị Lan", team)
            assertEquals(ApprovalState.PENDING, hoso.account().approval?.state)
            hoso.enableAssistedFiling(MemorySecretStore())
            val ward = hoso.receivingAgencies("1.004222", "Nghe An").first()

            // The form the residents sign.
            val form = File(dir, "consent.pdf")
            hoso.writeConsentForm(
                ConsentFormRequest("Hồ Thị Lan", phone, team, "TDY-2026-001", listOf(Fixtures.BIRTH), 30u, "06/12/2026"),
                form,
            )
            assertTrue(form.readBytes().copyOfRange(0, 5).contentEquals("%PDF-".toByteArray()))

            // Three residents, each with their consent (nothing of theirs before it).
            val scan = Fixtures.pdf(dir, "to-dong-y-da-ky.pdf", 30_000)
            val nam = hoso.createResident(
                "Bà Năm, tổ 3",
                NewConsent(ConsentMethod.SIGNED_FORM, "TDY-2026-001", listOf(Fixtures.BIRTH), 30u, scan.path),
            )
            val tu = hoso.createResident(
                "Chị Bình",
                NewConsent(ConsentMethod.VNEID, "XN-88412", listOf("1.004222"), 30u, null),
            )
            val sau = hoso.createResident(
                "Cô Sáu",
                NewConsent(ConsentMethod.WITNESSED_VERBAL, "Trưởng thôn Lê Văn Ba", listOf(Fixtures.BIRTH), 30u, null),
            )
            assertEquals(listOf(nam.id, tu.id, sau.id), hoso.residents().map { it.id })
            assertNull(hoso.activeResident())
            val signedForm = assertFailsWith<HosoException.InvalidInput> {
                hoso.createResident("Ông Bảy", NewConsent(ConsentMethod.SIGNED_FORM, "TDY-9", listOf(Fixtures.BIRTH), 30u, null))
            }
            assertEquals("consent_document_missing", signedForm.code)

            // A birth registration for Bà Năm, in her space.
            hoso.useResident(nam.id)
            hoso.setProfileValue("full_name", "Trần Thị Năm")
            val birth = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
            for ((path, value) in Fixtures.birthValues()) hoso.setDraftValue(birth, path, value)
            hoso.attach(birth, "doc05", Fixtures.pdf(dir, "giay-chung-sinh.pdf", 200_000))
            val queued = hoso.submit(birth, Fixtures.AGENCY)
            assertEquals(2, queued.fileCount, "the signed form goes with it")

            // A permanent-residence registration for Chị Bình, in hers.
            hoso.useResident(tu.id)
            assertTrue(hoso.drafts().isEmpty(), "nothing of Bà Năm's here")
            assertTrue(hoso.outbox().isEmpty())
            hoso.setProfileValue("full_name", "Trần Thị Bình")
            val residence = hoso.createDraft("1.004222", prefill = false)
            for ((path, value) in residenceValues()) hoso.setDraftValue(residence.draft.id, path, value)
            val slot = residence.documents.first().id
            hoso.attach(residence.draft.id, slot, Fixtures.pdf(dir, "so-do.pdf", 100_000))
            hoso.submit(residence.draft.id, ward.code)
            hoso.lockResident()

            // Not approved yet: nothing goes; approved: one sync sends both.
            val waiting = hoso.syncNow()
            assertTrue(waiting.submitted.isEmpty())
            assertEquals(2L, waiting.retryLater)
            TestPortal.approve(account.accountId, role = "leader")
            val approved = hoso.account().approval
            assertEquals(ApprovalState.APPROVED, approved?.state)
            assertEquals("leader", approved?.role)
            val sent = hoso.syncNow(retryNow = true)
            assertEquals(2, sent.submitted.size, "$sent")
            val byResident = hoso.residents().associate { it.id to it.dossiers }
            val birthCode = byResident.getValue(nam.id).single()
            val residenceCode = byResident.getValue(tu.id).single()
            assertTrue(byResident.getValue(sau.id).isEmpty())

            // On the portal, each names its resident and consent.
            val filedBirth = portalDossier(phone, birthCode)["filed_for"]!!.jsonObject
            assertEquals("Trần Thị Năm", filedBirth["full_name"]!!.jsonPrimitive.content)
            val birthConsent = filedBirth["consent"]!!.jsonObject
            assertEquals("signed_form", birthConsent["method"]!!.jsonPrimitive.content)
            assertEquals("TDY-2026-001", birthConsent["reference"]!!.jsonPrimitive.content)
            assertNotNull(birthConsent["document"], "the scan of the signed form")
            val filedResidence = portalDossier(phone, residenceCode)["filed_for"]!!.jsonObject
            assertEquals("Trần Thị Bình", filedResidence["full_name"]!!.jsonPrimitive.content)
            assertEquals("vneid", filedResidence["consent"]!!.jsonObject["method"]!!.jsonPrimitive.content)

            // Handover sheets for Bà Năm: PDF to print, PNG to send, an SMS.
            hoso.useResident(nam.id)
            val handover = hoso.handover(birthCode)
            assertEquals(birthCode, handover.dossierCode)
            assertTrue(handover.receiptQr.startsWith("HS1:"))
            assertTrue(handover.sms.contains(birthCode))
            val sheet = File(dir, "phieu-ban-giao.pdf")
            val picture = File(dir, "phieu-ban-giao.png")
            assertTrue(hoso.writeHandoverPdf(birthCode, "Hồ Thị Lan, ${team.team}", sheet) > 1000)
            assertTrue(hoso.writeHandoverPng(birthCode, "Hồ Thị Lan, ${team.team}", picture) > 1000)
            assertTrue(picture.readBytes().copyOfRange(1, 4).contentEquals("PNG".toByteArray()))
            assertFailsWith<HosoException.NotFound> { hoso.handover(residenceCode) }
            assertNull(handover.feeToPay, "a birth registration is free")

            // Chị Bình's residence registration charges its online fee: her
            // sheet carries the VietQR to pay it from any banking app.
            hoso.useResident(tu.id)
            val owed = assertNotNull(hoso.handover(residenceCode).feeToPay)
            assertEquals(10_000L, owed.amountVnd)
            assertEquals("payable", hoso.checkPaymentQr(owed.vietqr).advice)
            val feeSheet = File(dir, "phieu-ban-giao-phi.png")
            assertTrue(hoso.writeHandoverPng(residenceCode, "Hồ Thị Lan, ${team.team}", feeSheet) > 1000)
            assertTrue(owed.vietqr in hoso.readQrPicture(feeSheet), "the fee's code is on the sheet")
            hoso.useResident(nam.id)

            // A new consent for her, covering another procedure too; the one before is history.
            val renewed = hoso.recordConsent(
                NewConsent(ConsentMethod.VNEID, "XN-99001", listOf(Fixtures.BIRTH, "1.004222"), 60u, null),
            )
            assertEquals(listOf(Fixtures.BIRTH, "1.004222"), renewed.covers)
            assertEquals("XN-99001", hoso.residentConsent().reference)
            assertEquals(60u, hoso.residents().single { it.id == nam.id }.retentionDays)

            // The leader's team list: who filed what, nothing of the residents.
            val team = hoso.teamDossiers()
            assertEquals(setOf(birthCode, residenceCode), team.dossiers.map { it.code }.toSet())
            assertTrue(team.dossiers.all { it.filedBy == "Hồ Thị Lan" })
            assertFalse(team.toString().contains("Trần Thị"), "no resident's name in the team list")

            // Chị Bình is wiped: nothing of hers through any call afterwards.
            hoso.lockResident()
            hoso.wipeResident(tu.id)
            assertFalse(hoso.residents().any { it.id == tu.id })
            assertFailsWith<HosoException.NotFound> { hoso.useResident(tu.id) }
            assertNull(hoso.activeResident())
            assertTrue(hoso.drafts().isEmpty())
            assertTrue(hoso.outbox().isEmpty())
            assertFalse(hoso.profile().me.values.contains("Trần Thị Bình"))
            assertFalse(File(data, "residents/${tu.id}").exists())
            assertFalse(Fixtures.anyFileContains(data, "Trần Thị Bình".toByteArray()))
            // The volunteer still follows her dossier, and the log says what happened.
            assertNotNull(hoso.dossier(residenceCode))
            val log = hoso.auditLog()
            assertEquals(AuditAction.WIPED, log.last().action)
            assertEquals(tu.id, log.last().resident)
            assertTrue(log.any { it.resident == nam.id && it.action == AuditAction.HANDED_OVER })
            val stats = hoso.teamStatsCsv()
            assertTrue(stats.startsWith("day,procedure_code,status,status_name,count"))
            assertEquals(2L, hoso.teamStats().sumOf { it.count })
        }
    }
}
