package vn.hoso

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import vn.hoso.ffi.HosoException

/**
 * Catalogs and receipt-signing keys are trusted by the portal's root-key
 * signature (issue #18): a configured key that is not the portal's refuses
 * the update and installs nothing; the first signed answer pins the
 * portal's own key; configured with that key, the update goes through.
 */
class TrustTest {
    private val dir = Fixtures.scratch("hoso-trust")

    @Test
    fun `only the portal's root key is trusted`() = runBlocking<Unit> {
        HosoClient.open(File(dir, "first"), TestKeys()).use { first ->
            val malformed = assertFailsWith<HosoException.InvalidInput> {
                first.trustPortalRootKey("not a key", TestPortal.url)
            }
            assertEquals("bad_root_key", malformed.code)

            first.trustPortalRootKey("A".repeat(43), TestPortal.url) // 32 zero bytes
            val refused = assertFailsWith<HosoException.Portal> { first.updateCatalog(TestPortal.url) }
            assertEquals("root_key_changed", refused.code)
            assertFailsWith<HosoException.NoCatalog> { first.search("khai sinh") }

            val root = HosoClient.open(File(dir, "second"), TestKeys()).use { second ->
                second.updateCatalog(TestPortal.url)
                val pinned = second.trustedPortals().single()
                assertFalse(pinned.configured, "pinned on first use")
                assertTrue(pinned.keySetVersion >= 1)
                pinned.rootKey
            }

            first.trustPortalRootKey(root, TestPortal.url)
            assertTrue(first.updateCatalog(TestPortal.url).catalogChanged)
            val trusted = first.trustedPortals().single()
            assertTrue(trusted.configured)
            assertEquals(root, trusted.rootKey)
        }
    }
}
