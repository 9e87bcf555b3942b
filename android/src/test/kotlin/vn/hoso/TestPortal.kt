package vn.hoso

import java.io.BufferedReader
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * The reference portal (`hoso-portal`, built by cargo) started once for the
 * test run on 127.0.0.1 with an ephemeral port, real persistence in a scratch
 * directory, and the catalog built from the shared national data. Officer
 * actions go through its `admin` command, as a portal officer's would.
 */
object TestPortal {
    private val portal = PortalProcess("hoso-portal-test")

    /** The portal's base URL, `http://127.0.0.1:PORT`. */
    val url: String
        get() = portal.url

    /** Moves a dossier along an officer transition (e.g. 2: being processed). */
    fun officer(code: String, status: Int, vararg extra: String) {
        portal.admin(listOf("status", code, status.toString()) + extra)
    }

    /** A file a dossier was filed with, as the officer opens it (`GET /v1/admin/dossiers/{code}/files/{sha256}`). */
    fun file(code: String, sha256: String): ByteArray = portal.file(code, sha256)

    /** Plays the bank: [amount] đồng arrived for [reference]; the portal's JSON answer (`outcome` …). */
    fun pay(reference: String, amount: Long, transactionId: String): String =
        portal.admin(listOf("pay", reference, amount.toString(), "--transaction-id", transactionId))

    /** The commune approves a volunteer account (as a team `member` or `leader`). */
    fun approve(accountId: String, role: String = "member") {
        portal.admin(listOf("approve", accountId, "--role", role))
    }
}

/**
 * One `hoso-portal serve` process on 127.0.0.1 with an ephemeral port, its
 * data in a scratch directory (`prefix`), its catalog imported from the
 * shared national data; stopped at exit. A test that changes what the portal
 * serves for everyone (publishing a catalog) starts its own.
 */
class PortalProcess(prefix: String) {
    private val binary = File(requireProperty("hoso.portal.bin"))
    private val scratch: File = Files.createTempDirectory(prefix).toFile()
    private val process: Process
    /** The portal's base URL, `http://127.0.0.1:PORT`. */
    val url: String

    init {
        require(binary.canExecute()) {
            "hoso-portal is not built at $binary: run `cargo build -p hoso-portal` first"
        }
        process = ProcessBuilder(
            binary.path, "serve",
            "--addr", "127.0.0.1:0",
            "--data", File(scratch, "portal").path,
            "--source", requireProperty("hoso.shared.data"),
            "--sim", "off",
            // Fast password hashing: the tests log in many times.
            "--password-iterations", "1000",
        ).redirectErrorStream(true)
            .also {
                it.environment()["TMPDIR"] = scratch.path
                it.environment()["HOSO_PORTAL_ADMIN_TOKEN"] = ADMIN_TOKEN
            }
            .start()
        val out: BufferedReader = process.inputStream.bufferedReader()
        val first = out.readLine()
            ?: error("hoso-portal exited before listening (exit ${process.waitFor()})")
        url = Regex("(http://127\\.0\\.0\\.1:\\d+)/v1/").find(first)?.groupValues?.get(1)
            ?: error("unexpected first line from hoso-portal: $first")
        // Keep draining its output so it never blocks on a full pipe.
        Thread { out.forEachLine { } }.apply { isDaemon = true }.start()
        Runtime.getRuntime().addShutdownHook(Thread {
            process.destroy()
            process.waitFor(5, TimeUnit.SECONDS)
            scratch.deleteRecursively()
        })
    }

    /** Runs `hoso-portal admin ARGS…` against this portal; its output. */
    fun admin(args: List<String>): String {
        val admin = ProcessBuilder(listOf(binary.path, "admin", "--url", url) + args)
            .redirectErrorStream(true)
            .also { it.environment()["HOSO_PORTAL_ADMIN_TOKEN"] = ADMIN_TOKEN }
            .start()
        val said = admin.inputStream.bufferedReader().readText()
        check(admin.waitFor(60, TimeUnit.SECONDS) && admin.exitValue() == 0) {
            "hoso-portal admin $args failed: $said"
        }
        return said
    }

    /** A file a dossier was filed with, decrypted by the portal. */
    fun file(code: String, sha256: String): ByteArray {
        val request = HttpRequest.newBuilder(URI.create("$url/v1/admin/dossiers/$code/files/$sha256"))
            .header("Authorization", "Bearer $ADMIN_TOKEN")
            .GET()
            .build()
        val answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray())
        check(answer.statusCode() == 200) { "reading $sha256 of $code: ${answer.statusCode()}" }
        return answer.body()
    }

    /** Publishes a catalog bundle (`PUT /v1/admin/catalog`, as the commune's officer). */
    fun publish(bundle: File) {
        val request = HttpRequest.newBuilder(URI.create("$url/v1/admin/catalog"))
            .header("Authorization", "Bearer $ADMIN_TOKEN")
            .header("Content-Type", "application/gzip")
            .PUT(HttpRequest.BodyPublishers.ofFile(bundle.toPath()))
            .build()
        val answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
        check(answer.statusCode() == 200) { "publishing the catalog: ${answer.statusCode()} ${answer.body()}" }
    }

    private companion object {
        /** The admin token: 32+ characters, given through the environment (never the command line). */
        const val ADMIN_TOKEN = "admin-token-for-tests-0123456789abcdef"
    }
}

fun requireProperty(name: String): String =
    System.getProperty(name) ?: error("system property $name is not set (run the tests through Maven: see android/README.md)")
