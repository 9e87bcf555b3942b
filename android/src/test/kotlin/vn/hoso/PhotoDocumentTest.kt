package vn.hoso

import java.awt.Color
import java.awt.Font
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.io.File
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import vn.hoso.ffi.FilingChannel

/**
 * Documents from the camera (issue #24): three camera-like JPEGs, made here
 * with EXIF carrying a GPS position and the phone's make, become one PDF for
 * the birth certificate's slot; the PDF the portal received has three pages
 * and none of the photos' metadata.
 */
class PhotoDocumentTest {
    /** A text page photographed: dark lines on paper, as a phone stores it. */
    private fun page(n: Int): ByteArray {
        val image = BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB)
        val g = image.createGraphics()
        g.color = Color(236, 232, 224)
        g.fillRect(0, 0, 1600, 1200)
        g.color = Color(30, 30, 40)
        g.font = Font(Font.SANS_SERIF, Font.PLAIN, 48)
        for (line in 0 until 12) g.drawString("Giay chung sinh - trang $n - dong $line", 80, 120 + line * 80)
        g.dispose()
        val jpeg = ByteArrayOutputStream().also { ImageIO.write(image, "jpg", it) }.toByteArray()
        // EXIF right after the start of image: Make, and a GPS IFD with its datum.
        return jpeg.copyOfRange(0, 2) + segment(0xE1, "Exif\u0000\u0000".toByteArray() + tiff()) + jpeg.copyOfRange(2, jpeg.size)
    }

    private fun segment(marker: Int, body: ByteArray): ByteArray {
        val length = body.size + 2
        return byteArrayOf(0xFF.toByte(), marker.toByte(), (length shr 8).toByte(), length.toByte()) + body
    }

    /** Big-endian TIFF: IFD0 {Make, GPS pointer}, GPS IFD {GPSMapDatum}. */
    private fun tiff(): ByteArray {
        val make = "HosoPhone SN-4417\u0000".toByteArray()
        val datum = "GPS 21.0285N 105.8542E\u0000".toByteArray()
        val out = ByteArrayOutputStream()
        fun u16(v: Int) { out.write(v shr 8); out.write(v) }
        fun u32(v: Int) { u16(v ushr 16); u16(v and 0xFFFF) }
        val ifd0 = 8
        val gps = ifd0 + 2 + 2 * 12 + 4
        val strings = gps + 2 + 12 + 4
        out.write("MM".toByteArray()); u16(42); u32(ifd0)
        u16(2)
        u16(0x010F); u16(2); u32(make.size); u32(strings)
        u16(0x8825); u16(4); u32(1); u32(gps)
        u32(0)
        u16(1)
        u16(0x0012); u16(2); u32(datum.size); u32(strings + make.size)
        u32(0)
        out.write(make); out.write(datum)
        return out.toByteArray()
    }

    private fun ByteArray.holds(text: String): Boolean = String(this, Charsets.ISO_8859_1).contains(text)

    @Test
    fun `three camera photos become one three-page PDF without their GPS position`() = runBlocking<Unit> {
        val dir = Fixtures.scratch("hoso-photos")
        val photos = (1..3).map { n -> File(dir, "IMG_000$n.jpg").apply { writeBytes(page(n)) } }
        assertTrue(photos[0].readBytes().holds("GPS 21.0285N"), "the test photo carries a GPS position")
        HosoClient.open(File(dir, "device"), TestKeys()).use { hoso ->
            hoso.updateCatalog(TestPortal.url)
            val id = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
            for ((path, value) in Fixtures.birthValues()) hoso.setDraftValue(id, path, value)
            val pages = async(start = CoroutineStart.UNDISPATCHED) { hoso.photoPages(id, "doc05").take(3).toList() }
            val made = hoso.attachPhotos(id, "doc05", photos, grayscale = true)
            assertEquals(listOf(1, 2, 3), withTimeout(10_000) { pages.await() }.map { it.page })
            assertEquals("application/pdf", made.file.mediaType)
            assertEquals(3, made.pages.size)
            assertTrue(made.pages.all { it.gray && it.dpi >= 150 }, "${made.pages}")
            assertTrue(hoso.validateDraft(id).ready)
            // The photos on the phone are left as they were.
            assertTrue(photos.all { it.readBytes().holds("GPS 21.0285N") })

            hoso.register(TestPortal.url, freshPhone(), "khai-sinh-2026!", "Nguyễn Văn An")
            hoso.submit(id, Fixtures.AGENCY, FilingChannel.ONLINE)
            val code = hoso.syncNow().submitted.single()
            val uploaded = TestPortal.file(code, made.file.sha256)
            assertTrue(uploaded.holds("%PDF-"))
            assertEquals(3, Regex("/Type /Page\\b").findAll(String(uploaded, Charsets.ISO_8859_1)).count())
            for (secret in listOf("GPS 21.0285N", "HosoPhone", "SN-4417", "Exif")) {
                assertFalse(uploaded.holds(secret), "$secret reached the portal")
            }
        }
    }
}
