package vn.hoso

import java.security.SecureRandom
import java.util.concurrent.atomic.AtomicInteger
import vn.hoso.ffi.HostException
import vn.hoso.ffi.KeyProvider

/**
 * A Kotlin [KeyProvider] holding its key in memory only, as a keystore
 * would: the tests' one source of the key that seals personal data. Counts
 * the core's requests and can be told to fail or to hand out a bad key.
 */
class TestKeys(
    private val key: ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) },
) : KeyProvider {
    val requests = AtomicInteger()

    @Volatile
    var failWith: Throwable? = null

    override fun dataKey(): ByteArray {
        requests.incrementAndGet()
        failWith?.let { throw it }
        return key.copyOf()
    }

    companion object {
        /** A provider whose keystore is locked: a declared host failure. */
        fun locked() = TestKeys().apply { failWith = HostException.Failed("keystore locked") }
    }
}
