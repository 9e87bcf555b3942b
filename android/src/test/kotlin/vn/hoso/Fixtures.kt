package vn.hoso

import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.format.DateTimeFormatter
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive

/** Shared test data and scratch space. */
object Fixtures {
    /** The birth registration procedure (Đăng ký khai sinh). */
    const val BIRTH = "1.001193"

    /** A receiving agency of the reference portal. */
    const val AGENCY = "H40.22"

    /** The birth registration values every suite uses (tests/data). */
    fun birthValues(): Map<String, String> {
        val text = File(requireProperty("hoso.test.data"), "birth-registration.json").readText()
        val values = Json.parseToJsonElement(text).jsonObject.mapValues { it.value.jsonPrimitive.content }
        // A child born a few days ago (registration is for recent births).
        val born = LocalDate.now().minusDays(3).format(DateTimeFormatter.ofPattern("dd/MM/yyyy"))
        return values + ("child.date_of_birth" to born)
    }

    /** A fresh scratch directory, removed at exit. */
    fun scratch(prefix: String): File =
        Files.createTempDirectory(prefix).toFile().also { dir ->
            Runtime.getRuntime().addShutdownHook(Thread { dir.deleteRecursively() })
        }

    /** A well-formed PDF of about [size] bytes (padded with a comment). */
    fun pdf(dir: File, name: String, size: Int): File {
        val head = "%PDF-1.4\n% giay chung sinh\n".toByteArray()
        val tail = "\ntrailer\n%%EOF\n".toByteArray()
        val pad = ByteArray((size - head.size - tail.size).coerceAtLeast(0)) { '%'.code.toByte() }
        return File(dir, name).apply { writeBytes(head + pad + tail) }
    }

    /** Does any file under [dir] contain [needle]? */
    fun anyFileContains(dir: File, needle: ByteArray): Boolean =
        dir.walkTopDown().filter { it.isFile }.any { f -> f.readBytes().indexOf(needle) >= 0 }

    private fun ByteArray.indexOf(needle: ByteArray): Int {
        if (needle.isEmpty()) return 0
        outer@ for (i in 0..size - needle.size) {
            for (j in needle.indices) if (this[i + j] != needle[j]) continue@outer
            return i
        }
        return -1
    }
}
