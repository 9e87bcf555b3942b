package vn.hoso

import java.io.File
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import vn.hoso.ffi.CatalogUpdateMethod
import vn.hoso.ffi.FilingChannel
import vn.hoso.ffi.HosoException

/**
 * Forms delivered with the catalog, and a draft following its form to a
 * new version (issue #22) from Kotlin: the portal publishes version 2 of the
 * birth registration form (a field renamed, one removed); the phone takes
 * it as a delta, sees exactly what changes for its half-filled draft,
 * cannot queue the draft until it is upgraded, and loses nothing when it is.
 */
class FormUpgradeTest {
    private val dir = Fixtures.scratch("hoso-form-upgrade")

    /** Runs the `hoso` CLI (built beside hoso-portal). */
    private fun hoso(vararg args: String) {
        val cli = File(File(requireProperty("hoso.portal.bin")).parentFile, "hoso")
        val process = ProcessBuilder(listOf(cli.path) + args).redirectErrorStream(true).start()
        val said = process.inputStream.bufferedReader().readText()
        check(process.waitFor(300, TimeUnit.SECONDS) && process.exitValue() == 0) { "hoso ${args.toList()}: $said" }
    }

    /** The built-in birth form as version 2: `child.hometown` renamed, `child.place_of_birth` removed. */
    private fun formsV2(): File {
        val repository = File(requireProperty("hoso.test.data")).absoluteFile.parentFile.parentFile
        val builtIn = File(repository, "core/data/forms/${Fixtures.BIRTH}.json")
        val lines = builtIn.readLines()
        check(lines.count { "\"id\": \"place_of_birth\"" in it } == 1 && lines.count { "\"id\": \"hometown\"" in it } == 1)
        val v2 = lines
            .filterNot { "\"id\": \"place_of_birth\"" in it }
            .joinToString("\n")
            .replaceFirst("\"version\": 1,", "\"version\": 2,\n  \"renamed\": [{\"from\": \"child.hometown\", \"to\": \"child.home_town\", \"version\": 2}],")
            .replaceFirst("\"id\": \"hometown\"", "\"id\": \"home_town\"")
        val forms = File(dir, "forms").also { it.mkdirs() }
        File(forms, "${Fixtures.BIRTH}.json").writeText(v2)
        return forms
    }

    @Test
    fun `a half-filled draft follows its form to version 2 and loses nothing`() = runBlocking<Unit> {
        val portal = PortalProcess("hoso-portal-forms")
        HosoClient.open(File(dir, "phone"), TestKeys()).use { hoso ->
            hoso.updateCatalog(portal.url)
            val id = hoso.createDraft(Fixtures.BIRTH, prefill = false).draft.id
            var saved: Map<String, String> = emptyMap()
            for ((path, value) in Fixtures.birthValues()) {
                saved = hoso.setDraftValue(id, path, value).draft.values
            }
            val before = hoso.validateDraft(id)
            assertEquals(1u, before.draftFormVersion)
            assertTrue(before.formChanges.isEmpty())

            // The operator packs version 2 of the form into the next catalog.
            val publisher = File(dir, "publisher").path
            val bundle = File(dir, "v2.bundle")
            hoso("--data-dir", publisher, "catalog", "import", requireProperty("hoso.shared.data"))
            hoso(
                "--data-dir", publisher, "catalog", "import", requireProperty("hoso.shared.data"),
                "--forms", formsV2().path, "--out", bundle.path,
            )
            portal.publish(bundle)
            val update = hoso.updateCatalog(portal.url)
            assertEquals(CatalogUpdateMethod.DELTA, update.method)

            // Exactly the renamed and the removed field, before anything changes.
            val report = hoso.validateDraft(id)
            assertEquals(1u, report.draftFormVersion)
            assertEquals(2u, report.currentFormVersion)
            val changes = report.formChanges.associate { it.field to it.code }
            assertEquals(
                mapOf("child.hometown" to "field_renamed", "child.place_of_birth" to "field_removed"),
                changes,
            )
            assertEquals("child.home_town", report.formChanges.single { it.code == "field_renamed" }.to)
            // Not queued on the old form.
            val refused = assertFailsWith<HosoException.NotReady> {
                hoso.submit(id, Fixtures.AGENCY, FilingChannel.ONLINE)
            }
            assertEquals("draft_form_changed", refused.code)

            // Upgraded: the renamed value follows, the removed one is kept for review.
            val upgraded = hoso.upgradeDraft(id)
            val values = upgraded.draft.values
            assertEquals(saved["child.hometown"], values["child.home_town"])
            assertTrue("child.hometown" !in values)
            assertEquals(saved["child.place_of_birth"], upgraded.unknownValues["child.place_of_birth"])
            for ((path, value) in saved) {
                if (path != "child.hometown" && path != "child.place_of_birth") {
                    assertEquals(value, values[path], path)
                }
            }
            val after = hoso.validateDraft(id)
            assertEquals(2u, after.draftFormVersion)
            assertTrue(after.formChanges.isEmpty())
        }
    }
}
