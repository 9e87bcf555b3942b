package vn.hoso

import java.io.File
import java.util.concurrent.TimeUnit
import java.util.zip.GZIPInputStream
import java.util.zip.GZIPOutputStream
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Test
import vn.hoso.ffi.CatalogUpdateMethod
import vn.hoso.ffi.CatalogUpdateOptions

/**
 * Catalog delta updates (issue #20) from Kotlin: a phone holding the
 * national catalog takes the next version the portal publishes (20
 * procedures renamed) as a delta, a few percent of the full catalog's
 * bytes; on a metered network with a limit below the delta it waits.
 */
class DeltaTest {
    private val dir = Fixtures.scratch("hoso-delta")

    /** Every 131st record renamed, 20 in all: the crawled data of version 2. */
    private fun renamedSource(): File {
        val json = Json { prettyPrint = false }
        val out = File(dir, "renamed.jsonl.gz")
        GZIPInputStream(File(requireProperty("hoso.shared.data")).inputStream()).bufferedReader().use { input ->
            GZIPOutputStream(out.outputStream()).bufferedWriter().use { output ->
                input.lineSequence().forEachIndexed { i, line ->
                    val changed = if (i % 131 == 0 && i / 131 < 20) {
                        val record = json.parseToJsonElement(line).jsonObject
                        val name = record.getValue("ten_thu_tuc").jsonPrimitive.content
                        json.encodeToString(
                            JsonObject.serializer(),
                            JsonObject(record + ("ten_thu_tuc" to JsonPrimitive("$name (sửa đổi năm 2026)"))),
                        )
                    } else {
                        line
                    }
                    output.write(changed)
                    output.write("\n")
                }
            }
        }
        return out
    }

    /** Runs the `hoso` CLI (built beside hoso-portal). */
    private fun hoso(vararg args: String) {
        val cli = File(File(requireProperty("hoso.portal.bin")).parentFile, "hoso")
        val process = ProcessBuilder(listOf(cli.path) + args).redirectErrorStream(true).start()
        val said = process.inputStream.bufferedReader().readText()
        check(process.waitFor(300, TimeUnit.SECONDS) && process.exitValue() == 0) { "hoso ${args.toList()}: $said" }
    }

    /** Version 2's bundle: the national data imported, then the renamed data over it. */
    private fun nextBundle(): File {
        val data = File(dir, "publisher").path
        val bundle = File(dir, "v2.bundle")
        hoso("--data-dir", data, "catalog", "import", requireProperty("hoso.shared.data"))
        hoso("--data-dir", data, "catalog", "import", renamedSource().path, "--out", bundle.path)
        return bundle
    }

    @Test
    fun `the next catalog version comes as a delta`() = runBlocking<Unit> {
        val portal = PortalProcess("hoso-portal-delta")
        HosoClient.open(File(dir, "phone"), TestKeys()).use { hoso ->
            val first = hoso.updateCatalog(portal.url)
            assertEquals(CatalogUpdateMethod.FULL, first.method)
            assertEquals(1L, first.catalogVersion)
            val bundleBytes = first.downloadedBytes

            val next = nextBundle()
            portal.publish(next)

            // Mobile data with a limit below the delta: nothing is taken.
            val waiting = hoso.updateCatalog(
                portal.url,
                CatalogUpdateOptions(metered = true, meteredLimitBytes = 1_000L),
            )
            assertEquals(CatalogUpdateMethod.WAITING_FOR_UNMETERED, waiting.method)
            assertEquals(0L, waiting.downloadedBytes)
            assertEquals(false, waiting.catalogChanged)
            assertEquals(1L, hoso.core.catalogInfo()!!.version)

            // Under a 1 MiB limit (the default), the delta comes.
            val update = hoso.updateCatalog(portal.url, CatalogUpdateOptions(metered = true))
            assertEquals(CatalogUpdateMethod.DELTA, update.method, "$update")
            assertNull(update.fallback)
            assertTrue(update.catalogChanged)
            assertEquals(2L, update.catalogVersion)
            assertTrue(
                update.downloadedBytes * 20 <= bundleBytes,
                "the delta (${update.downloadedBytes} B) is at most 5 % of the bundle ($bundleBytes B)",
            )
            val renamed = hoso.search("sửa đổi năm 2026")
            assertTrue(renamed.first().name.endsWith("(sửa đổi năm 2026)"), "$renamed")
            assertEquals(Fixtures.BIRTH, hoso.search("dang ky khai sinh").first().code)
        }
    }
}
