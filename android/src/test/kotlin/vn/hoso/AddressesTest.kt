package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.hoso.ffi.AddressOutcome
import vn.hoso.ffi.HosoException

/**
 * Addresses after the 2025 reorganisation (issue #21) from Kotlin: a
 * province and commune checked against the unit table, with suggestions
 * when they name no unit; an old address converted; what the profile and a
 * draft saved before brought up to today's units.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressesTest {
    private val dir = Fixtures.scratch("hoso-addresses")
    private lateinit var hoso: HosoClient

    @BeforeAll
    fun open() = runBlocking<Unit> {
        hoso = HosoClient.open(File(dir, "device"), TestKeys())
        hoso.updateCatalog(TestPortal.url)
    }

    @Test
    fun `the picker finds units as people type them, keystroke by keystroke`() = runBlocking<Unit> {
        // Every prefix of "p ben thanh hcm" answers; the full text finds
        // Phường Bến Thành in Hồ Chí Minh City first.
        val typed = "p ben thanh hcm"
        for (end in 1..typed.length) {
            hoso.searchAddress(typed.substring(0, end))
        }
        val first = hoso.searchAddress(typed).first()
        assertEquals("Phường Bến Thành", first.name)
        assertEquals("79", first.provinceCode)
        assertTrue(!first.isProvince)
        // Scoped to a province; a pre-2025 name offers what it became.
        val scoped = hoso.searchAddress("ben nghe", province = "79", limit = 3)
        assertEquals("Phường Sài Gòn", scoped.first().name)
        assertTrue(scoped.first().former!!.startsWith("Phường Bến Nghé"))
        // Provinces too, with no diacritics.
        assertEquals("01", hoso.searchAddress("ha noi").first().code)
        assertTrue(hoso.searchAddress("\u0000😀").isEmpty())
    }

    @Test
    fun `the table in effect is the app's own until a catalog brings a newer one`() = runBlocking<Unit> {
        // The test portal's catalog carries no units table
        // (cli/tests/units_delivery.rs delivers one end to end).
        val table = hoso.addressTable()
        assertEquals("2025-07-01.1", table.version)
        assertTrue(!table.fromCatalog)
        assertEquals(34u, table.provinces)
        assertEquals(3321u, table.communes)
        assertEquals(10035u, table.formerCommunes)
        assertTrue(table.source.contains("vietnamadminunits"))
    }

    @Test
    fun `a commune is checked against its province`() = runBlocking<Unit> {
        val ok = hoso.checkAddress("ha noi", "P. Ba Dinh")
        val place = assertNotNull(ok.place)
        assertEquals("00004", place.communeCode)
        assertEquals("Phường Ba Đình", place.communeName)
        assertEquals("Thành phố Hà Nội", place.provinceName)
        assertNull(ok.problem)

        // Another province's ward: an error naming where it is.
        val misplaced = hoso.checkAddress("Hà Nội", "Phường Bến Thành")
        assertNull(misplaced.place)
        assertEquals("commune_other_province", misplaced.problem?.code)
        assertEquals("Thành phố Hồ Chí Minh", misplaced.suggestions.first().provinceName)
        // A former ward: the unit it is part of now.
        val former = hoso.checkAddress("Hà Nội", "Phường Phúc Xá")
        assertEquals("commune_former", former.problem?.code)
        assertEquals("Phường Hồng Hà", former.suggestions.first().communeName)
        // A typo: the closest name.
        val typo = hoso.checkAddress("Hà Nội", "Phường Hoàn Kím")
        assertEquals("commune_unknown", typo.problem?.code)
        assertEquals("Phường Hoàn Kiếm", typo.suggestions.first().communeName)
    }

    @Test
    fun `an old address converts and one that cannot be read says why`() = runBlocking<Unit> {
        val c = hoso.convertAddress("Số 5 ngõ 10, Phường Phúc Xá, Quận Ba Đình, Hà Nội")
        assertTrue(c.fromFormer)
        assertEquals("Phường Hồng Hà", c.place.communeName)
        assertEquals("Số 5 ngõ 10", c.detail)
        assertEquals("Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội", c.former)
        val e = assertFailsWith<HosoException.InvalidInput> { hoso.convertAddress("Số 5, Phường Ba Đình") }
        assertEquals("address_province_missing", e.code)
    }

    @Test
    fun `saved addresses upgrade in place`() = runBlocking<Unit> {
        hoso.setProfileValue("address.province", "Hà Nội")
        val saved = hoso.setProfileValue("address.commune", "Phường Phúc Xá")
        assertEquals("commune_former", saved.warning?.code, "kept, with a warning")
        val up = hoso.upgradeProfileAddresses()
        assertEquals(AddressOutcome.CONVERTED, up.addresses.single().outcome)
        assertEquals("Phường Hồng Hà", up.profile.me["address.commune"])
        assertEquals(5, up.profile.me["address.code"]?.length)

        val id = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
        hoso.setDraftValue(id, "mother.address.province", "Hà Nội")
        val typed = hoso.setDraftValue(id, "mother.address.commune", "Thị trấn Đông Anh")
        assertNotNull(typed.problem, "a township is not a unit since 2025")
        val report = hoso.upgradeDraftAddresses(id).single()
        assertEquals("mother.address", report.owner)
        assertEquals(AddressOutcome.CONVERTED, report.outcome)
        val values = hoso.draft(id).draft.values
        val place = assertNotNull(report.place)
        assertEquals(place.communeName, values["mother.address.commune"])
        assertEquals(place.communeCode, values["mother.address.code"])
    }
}
