package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import vn.hoso.ffi.HosoException

/**
 * The Kotlin key provider is the only source of the key: nothing on disk
 * holds it or any personal data in clear, the same provider opens the data
 * again, and another key opens nothing (and changes nothing).
 */
class KeyProviderTest {
    @Test
    fun `personal data is sealed under the Kotlin key alone`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-keys")
        val device = File(dir, "device")
        val keys = TestKeys()
        val values = Fixtures.birthValues()
        val id = HosoClient.open(device, keys).use { hoso ->
            hoso.importCatalog(File(requireProperty("hoso.shared.data")))
            hoso.setProfileValue("full_name", "Nguyễn Văn An")
            hoso.setProfileValue("phone", "0912345678")
            val id = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
            for ((path, value) in values) hoso.setDraftValue(id, path, value)
            hoso.attach(id, "doc05", Fixtures.pdf(dir, "giay-chung-sinh.pdf", 50_000))
            id
        }
        assertEquals(1, keys.requests.get())

        // Nothing under the data directory holds the key or personal data.
        val key = keys.dataKey()
        assertFalse(Fixtures.anyFileContains(device, key), "the key is never written")
        for (secret in listOf("Nguyễn Minh Khang", "040090012345", "0912345678", "Trần Thị Bình", "giay chung sinh")) {
            assertFalse(Fixtures.anyFileContains(device, secret.toByteArray()), "on disk in clear: $secret")
        }

        // The same Kotlin key opens it all again.
        HosoClient.open(device, keys).use { hoso ->
            assertEquals(values["child.full_name"], hoso.draft(id).draft.values["child.full_name"])
            assertEquals("Nguyễn Văn An", hoso.profile().me["full_name"])
            assertEquals(1, hoso.core.attachments(id).size)
        }

        // Another key opens nothing, and nothing is changed by trying.
        val wrong = assertFailsWith<HosoException.WrongKey> {
            HosoClient.open(device, TestKeys()).use { it.draft(id) }
        }
        assertEquals("wrong_key", wrong.code)
        HosoClient.open(device, keys).use { hoso ->
            assertEquals(values["mother.full_name"], hoso.draft(id).draft.values["mother.full_name"])
        }
    }
}
