package vn.hoso.bench

import java.io.File
import java.nio.ByteBuffer
import kotlin.math.ceil
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import vn.hoso.Fixtures
import vn.hoso.HosoClient
import vn.hoso.TestKeys
import vn.hoso.ffi.FfiConverter
import vn.hoso.ffi.FfiConverterOptionalTypeCatalogInfo
import vn.hoso.ffi.FfiConverterSequenceTypeProcedureHit
import vn.hoso.ffi.FfiConverterTypeSearchOptions
import vn.hoso.ffi.IntegrityCheckingUniffiLib
import vn.hoso.ffi.ProcedureHit
import vn.hoso.ffi.SearchOptions
import vn.hoso.ffi.UniffiRustCallStatus
import vn.hoso.ffi.coreVersion
import vn.hoso.requireProperty

/**
 * What a search costs from Kotlin (issue #8): the per-call time of
 * `Hoso.search` through the generated bindings (JNA), of the same search
 * through [HosoClient.search] (suspend, `Dispatchers.Default`, resumed on
 * the caller's event loop as on a main thread), and of the crossing alone:
 * a bare JNA call with no uniffi around it (the contract-version symbol), a
 * uniffi call doing nothing (`coreVersion()`) and one reading the store and
 * returning a record (`catalogInfo()`); and, without crossing, two parts of
 * a uniffi call: one JNA `Structure` allocated (each native call makes a
 * call-status one) and a search's hits decoded from their bytes. The same
 * queries inside Rust, for the subtraction, come from
 * `cargo bench -p hoso-core --bench search` run with the same queries in
 * the same session (docs/performance.md, "Bindings (issue #8)").
 *
 * A benchmark, not a test: tagged `bench`, excluded from `mvn test`. Run it
 * against the release library:
 *
 *     cargo build --release -p hoso-ffi
 *     cd android && mvn -B -ntp test -Dgroups=bench -Dhoso.excluded.groups= -Dhoso.lib.dir=../target/release
 *
 * Method: one data dir with the national catalog imported; a warm-up that
 * runs every operation round-robin (JIT, the core's cached index) for
 * `hoso.bench.warmup.ms` (default 15000); then `hoso.bench.reps`
 * repetitions (default 15), interleaved across operations, of about
 * `hoso.bench.rep.ms` (default 500) each, each after `System.gc()` and a
 * 100 ms pause. Calls are timed one by one with `System.nanoTime`, except
 * calls under about 5 µs, timed in chunks (the chunk's mean per call) so
 * that the timer stays under 1% of what is timed. Reported per call: the
 * median of the repetitions' medians, their spread (min–max), the mean over
 * all calls (GC pauses and the cleaner included) and the p99 of all timed
 * samples (of chunk means for chunked calls).
 */
@Tag("bench")
class FfiSearchBench {
    private val queries = listOf(
        "dang ky khai sinh",
        "lam cccd",
        "cap lai giay phep lai xe",
        "kh",
        "1.001193",
    )
    private val options = SearchOptions(limit = 10)

    private val reps = (System.getProperty("hoso.bench.reps") ?: "15").toInt()
    private val repNs = (System.getProperty("hoso.bench.rep.ms") ?: "500").toLong() * 1_000_000
    private val warmupNs = (System.getProperty("hoso.bench.warmup.ms") ?: "15000").toLong() * 1_000_000

    /** One measured operation: blocking ([call]) or suspending ([suspendCall]). */
    private class Op(
        val label: String,
        val call: (() -> Any?)? = null,
        val suspendCall: (suspend () -> Any?)? = null,
    ) {
        var chunk = 1
        var chunksPerRep = 0
        val repMedians = ArrayList<Double>()
        val repMeans = ArrayList<Double>()
        val samples = ArrayList<DoubleArray>()
        var nulls = 0L
    }

    @Test
    fun `per-call cost of a search through the bindings`() = runBlocking<Unit> {
        val loadStart = loadAverage()
        val dir = Fixtures.scratch("hoso-ffi-bench")
        HosoClient.open(File(dir, "device"), TestKeys()).use { hoso ->
            val core = hoso.core
            val imported = hoso.importCatalog(File(requireProperty("hoso.shared.data")))
            val info = core.catalogInfo()
            println()
            println("# hoso FFI search bench (issue #8)")
            println()
            println("- library: ${loadedLibrary() ?: "?"} (jna.library.path=${System.getProperty("jna.library.path")})")
            println(
                "- JVM: ${System.getProperty("java.vm.name")} ${System.getProperty("java.runtime.version")}, " +
                    "${Runtime.getRuntime().availableProcessors()} CPUs, max heap " +
                    "${Runtime.getRuntime().maxMemory() / (1 shl 20)} MiB; core ${coreVersion()}",
            )
            println("- catalog: ${imported.procedureCount} procedures (version ${info?.version}); limit ${options.limit}")
            println("- timer: System.nanoTime, ${"%.0f".format(timerCost())} ns per read")

            // What crosses per call, both ways, in uniffi's buffer format.
            println()
            println("| call | hits | top hit | bytes Rust → Kotlin | bytes Kotlin → Rust |")
            println("| --- | ---: | --- | ---: | ---: |")
            for (q in queries) {
                val hits: List<ProcedureHit> = core.search(q, options)
                val back = encodedSize(hits, FfiConverterSequenceTypeProcedureHit)
                val forth = q.toByteArray(Charsets.UTF_8).size + encodedSize(options, FfiConverterTypeSearchOptions)
                println("| search `$q` | ${hits.size} | ${hits.firstOrNull()?.code ?: "-"} | $back | $forth |")
            }
            println("| `coreVersion()` | | | ${coreVersion().toByteArray(Charsets.UTF_8).size} | 0 |")
            println("| `catalogInfo()` | | | ${encodedSize(info, FfiConverterOptionalTypeCatalogInfo)} | 0 |")

            val encoded = core.search(queries[0], options).let { hits ->
                ByteBuffer.allocate(FfiConverterSequenceTypeProcedureHit.allocationSize(hits).toInt())
                    .also { FfiConverterSequenceTypeProcedureHit.write(hits, it) }
                    .let { it.array().copyOf(it.position()) }
            }
            val direct = queries.map { q -> Op("search `$q` — `core.search`", call = { core.search(q, options) }) }
            val client = queries.map { q ->
                Op("search `$q` — `HosoClient.search`", suspendCall = { hoso.search(q, options) })
            }
            val crossing = listOf(
                Op(
                    "raw JNA call, no uniffi (`ffi_hoso_ffi_uniffi_contract_version`)",
                    call = { IntegrityCheckingUniffiLib.ffi_hoso_ffi_uniffi_contract_version() },
                ),
                Op("a JNA `Structure` allocated (`UniffiRustCallStatus()`; no call)", call = { UniffiRustCallStatus() }),
                Op(
                    "10 hits decoded from their ${encoded.size} bytes (`dang ky khai sinh`; Kotlin only, no call)",
                    call = { FfiConverterSequenceTypeProcedureHit.read(ByteBuffer.wrap(encoded)) },
                ),
                Op("`coreVersion()` (no work, a 5-byte string back)", call = { coreVersion() }),
                Op("`catalogInfo()` (store read, a record back)", call = { core.catalogInfo() }),
            )
            val ops = direct + client + crossing

            // Warm-up: JIT for every path, the core's index built and cached.
            val warmUntil = System.nanoTime() + warmupNs
            while (System.nanoTime() < warmUntil) {
                for (op in ops) repeat(20) { invoke(op) }
            }
            // Calibrate: chunk size (timed intervals of at least ~5 µs) and calls per repetition.
            for (op in ops) {
                settle()
                var n = 0
                val t0 = System.nanoTime()
                while (System.nanoTime() - t0 < 200_000_000) {
                    invoke(op)
                    n++
                }
                val perCall = (System.nanoTime() - t0).toDouble() / n
                op.chunk = ceil(5_000.0 / perCall).toInt().coerceAtLeast(1)
                op.chunksPerRep = (repNs / (perCall * op.chunk)).toInt().coerceIn(50, 2_000_000)
            }

            val loadBefore = loadAverage()
            for (rep in 0 until reps) {
                for (op in ops) {
                    settle()
                    measure(op)
                }
            }
            val loadAfter = loadAverage()

            println()
            println(
                "- $reps repetitions of about ${repNs / 1_000_000} ms per operation, interleaved, each after " +
                    "System.gc() and 100 ms; warm-up ${warmupNs / 1_000_000} ms",
            )
            println("- 1-min load average: $loadStart at start, $loadBefore before, $loadAfter after the timed part")
            println()
            println("| operation | calls | median | spread (min–max of $reps) | mean | p99 |")
            println("| --- | ---: | ---: | ---: | ---: | ---: |")
            for (op in ops) {
                val all = DoubleArray(op.samples.sumOf { it.size })
                op.samples.fold(0) { at, part -> part.copyInto(all, at); at + part.size }
                all.sort()
                val calls = op.samples.sumOf { it.size.toLong() } * op.chunk
                println(
                    "| ${op.label}${if (op.chunk > 1) " (chunks of ${op.chunk})" else ""} | $calls | " +
                        "${us(median(op.repMedians))} | ${us(op.repMedians.min())}–${us(op.repMedians.max())} | " +
                        "${us(op.repMeans.average())} | ${us(all[((all.size - 1) * 0.99).toInt()])} |",
                )
            }

            println()
            println("| query | `core.search` | `HosoClient.search` | coroutine hop |")
            println("| --- | ---: | ---: | ---: |")
            for ((d, c) in direct.zip(client)) {
                val md = median(d.repMedians)
                val mc = median(c.repMedians)
                println("| `${d.label.substringAfter('`').substringBefore('`')}` | ${us(md)} | ${us(mc)} | ${us(mc - md)} |")
            }
            println()
            check(ops.all { it.nulls == 0L }) { "a call returned null" }
        }
    }

    private suspend fun invoke(op: Op): Any? {
        val blocking = op.call
        return if (blocking != null) blocking() else op.suspendCall!!()
    }

    /**
     * Lets the previous operation's garbage go before the next is timed: every
     * uniffi call allocates JNA `Structure`s whose native memory a cleaner
     * thread frees after a GC, so one operation's churn would otherwise be
     * paid during another's repetition.
     */
    private fun settle() {
        System.gc()
        Thread.sleep(100)
    }

    /** One repetition of [op]: `chunksPerRep` timed chunks of `chunk` calls. */
    private suspend fun measure(op: Op) {
        val out = DoubleArray(op.chunksPerRep)
        val chunk = op.chunk
        var nulls = 0L
        val blocking = op.call
        val suspending = op.suspendCall
        if (blocking != null) {
            for (i in out.indices) {
                val t0 = System.nanoTime()
                for (j in 0 until chunk) if (blocking() == null) nulls++
                out[i] = (System.nanoTime() - t0).toDouble() / chunk
            }
        } else {
            for (i in out.indices) {
                val t0 = System.nanoTime()
                for (j in 0 until chunk) if (suspending!!() == null) nulls++
                out[i] = (System.nanoTime() - t0).toDouble() / chunk
            }
        }
        op.nulls += nulls
        op.samples += out
        op.repMeans += out.average()
        op.repMedians += median(out.sorted())
    }

    /** The bytes [value] takes in uniffi's serialization (what Rust wrote or will read). */
    private fun <T> encodedSize(value: T, converter: FfiConverter<T, *>): Int {
        val buf = ByteBuffer.allocate(converter.allocationSize(value).toInt())
        converter.write(value, buf)
        return buf.position()
    }

    private fun median(xs: List<Double>): Double {
        val s = xs.sorted()
        return if (s.size % 2 == 1) s[s.size / 2] else (s[s.size / 2 - 1] + s[s.size / 2]) / 2
    }

    private fun us(ns: Double): String = if (ns < 10_000) "%.2f µs".format(ns / 1e3) else "%.0f µs".format(ns / 1e3)

    /** The median cost of one `System.nanoTime()` read. */
    private fun timerCost(): Double {
        val d = LongArray(100_001)
        var last = System.nanoTime()
        for (i in d.indices) {
            val now = System.nanoTime()
            d[i] = now - last
            last = now
        }
        d.sort()
        return d[d.size / 2].toDouble()
    }

    private fun loadAverage(): String =
        runCatching { File("/proc/loadavg").readText().split(' ').first() }.getOrDefault("?")

    /** The libhoso_ffi this process mapped (Linux), to show which build is measured. */
    private fun loadedLibrary(): String? = runCatching {
        File("/proc/self/maps").readLines().map { it.substringAfterLast(' ') }.firstOrNull { it.contains("libhoso_ffi") }
    }.getOrNull()
}
