/*
 * AndroidKeystoreKeyProvider: owns the 32-byte data key that seals hoso's
 * personal data on an Android device — its creation, its wrapped copy on
 * disk and the Android Keystore key that wraps it. Nothing else in the app
 * should read or write the files it keeps.
 */
package vn.hoso.android

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.system.ErrnoException
import android.system.Os
import android.system.OsConstants
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.io.RandomAccessFile
import java.security.KeyStore
import java.security.MessageDigest
import java.security.ProviderException
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import vn.hoso.ffi.HostException
import vn.hoso.ffi.KeyProvider

/**
 * Supplies hoso's data key from the Android Keystore.
 *
 * The data key is 32 random bytes made once per installation. It is stored
 * only wrapped: AES-256-GCM under a non-exportable Android Keystore key
 * ([keyAlias], made in StrongBox when the device has one, otherwise in the
 * TEE), in a file under [Context.getNoBackupFilesDir] — never in Auto Backup
 * or device-to-device transfer, because the wrapping key cannot leave the
 * device and a restored copy could never be opened.
 *
 * The wrapping key needs no user authentication: WorkManager must be able to
 * sync while the screen is locked. The data is protected at rest by the
 * Keystore (the key cannot be extracted, even with root on a device with a
 * sound TEE) and by Android's file-based encryption of the app's storage.
 *
 * Creation is race-safe within the process (a lock) and across processes of
 * the app (a file lock), and durable before the key is handed out: the file
 * is written to a temporary name, synced, renamed into place, the directory
 * synced, then read back and unwrapped. A missing wrapping key or a damaged
 * file is reported, never silently replaced (that would orphan everything
 * sealed with the old key); [deleteKey] is the explicit way to start over.
 *
 * Key material is never logged and never part of an exception message.
 * Failures reach the core as [HostException.Failed] with a message naming
 * only what failed, and the app sees `HosoException.KeyUnavailable`.
 *
 * @param context any context; only the application's no-backup directory and
 *   package manager are used.
 * @param keyAlias the Android Keystore alias of the wrapping key.
 * @param fileName the wrapped key's file, in `noBackupFilesDir/vn.hoso/`.
 */
class AndroidKeystoreKeyProvider @JvmOverloads constructor(
    context: Context,
    private val keyAlias: String = DEFAULT_KEY_ALIAS,
    fileName: String = DEFAULT_FILE_NAME,
) : KeyProvider {

    private val appContext: Context = context.applicationContext ?: context
    private val directory = File(appContext.noBackupFilesDir, DIRECTORY)
    private val keyFile = File(directory, fileName)
    private val tempFile = File(directory, "$fileName.tmp")
    private val lockFile = File(directory, "$fileName.lock")

    /**
     * The data key: read and unwrapped from disk, or made, wrapped and stored
     * on the first call. The same 32 bytes on every call for this
     * installation.
     *
     * @throws HostException.Failed when the Keystore or the file cannot give
     *   a usable key.
     */
    override fun dataKey(): ByteArray = try {
        locked { loadOrCreate() }
    } catch (e: HostException) {
        throw e
    } catch (e: Exception) {
        // The class name only: messages of security providers and I/O may
        // carry paths or aliases, and none of it helps the user.
        throw HostException.Failed("android keystore: ${e.javaClass.simpleName}")
    }

    /**
     * Deletes the wrapped data key and the Keystore key that wraps it. Every
     * piece of data sealed with it becomes unreadable for good: call it only
     * after deleting hoso's data directory (a "remove all my data" flow), with
     * no [vn.hoso.ffi.Hoso] open on that directory.
     *
     * @throws HostException.Failed if the file or the Keystore entry could not
     *   be deleted.
     */
    fun deleteKey() {
        try {
            locked {
                if (keyFile.exists() && !keyFile.delete()) throw IOException("delete failed")
                tempFile.delete()
                val keyStore = keyStore()
                if (keyStore.containsAlias(keyAlias)) keyStore.deleteEntry(keyAlias)
            }
        } catch (e: Exception) {
            throw HostException.Failed("android keystore: cannot delete the data key (${e.javaClass.simpleName})")
        }
    }

    /** Runs [block] holding the process lock and the app-wide file lock. */
    private fun <T> locked(block: () -> T): T = synchronized(PROCESS_LOCK) {
        if (!directory.isDirectory && !directory.mkdirs() && !directory.isDirectory) {
            throw IOException("cannot create the key directory")
        }
        RandomAccessFile(lockFile, "rw").use { file ->
            val lock = file.channel.lock()
            try {
                block()
            } finally {
                lock.release()
            }
        }
    }

    private fun loadOrCreate(): ByteArray {
        val keyStore = keyStore()
        val existing = keyStore.getKey(keyAlias, null) as? SecretKey
        if (keyFile.exists()) {
            val wrappingKey = existing ?: throw HostException.Failed(
                "android keystore: the key wrapping hoso's data key is gone " +
                    "(app data restored from another device, or the Keystore was reset); " +
                    "the sealed data cannot be opened",
            )
            return unwrap(wrappingKey, WrappedKey.decode(keyFile.readBytes()))
        }
        // First run (or a run that stopped before the file was in place):
        // a Keystore key without a file wraps nothing yet, so it is reused.
        return try {
            createDataKey(existing ?: generateWrappingKey(keyStore))
        } catch (e: Exception) {
            // Nothing was handed out, so nothing is sealed with this key: drop
            // what this call made and try once more in the TEE (some secure
            // elements make keys they then cannot use).
            keyFile.delete()
            tempFile.delete()
            if (keyStore.containsAlias(keyAlias)) keyStore.deleteEntry(keyAlias)
            createDataKey(generateKey(strongBox = false))
        }
    }

    /**
     * Makes a data key, stores it wrapped by [wrappingKey], and returns it
     * only once the stored copy reads back.
     */
    private fun createDataKey(wrappingKey: SecretKey): ByteArray {
        val dataKey = ByteArray(KEY_BYTES)
        var handedOut = false
        try {
            SecureRandom().nextBytes(dataKey)
            writeDurably(wrap(wrappingKey, dataKey).encode())
            val check = unwrap(wrappingKey, WrappedKey.decode(keyFile.readBytes()))
            try {
                if (!MessageDigest.isEqual(check, dataKey)) {
                    throw HostException.Failed("android keystore: the stored data key does not read back")
                }
            } finally {
                check.fill(0)
            }
            handedOut = true
            return dataKey
        } finally {
            if (!handedOut) dataKey.fill(0)
        }
    }

    /** An AES-256-GCM key in StrongBox when present, else in the TEE. */
    private fun generateWrappingKey(keyStore: KeyStore): SecretKey {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
            appContext.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
        ) {
            try {
                return generateKey(strongBox = true)
            } catch (_: ProviderException) {
                // StrongBoxUnavailableException is a ProviderException; some
                // StrongBox chips also refuse AES-256 this way. The TEE will do.
                if (keyStore.containsAlias(keyAlias)) keyStore.deleteEntry(keyAlias)
            }
        }
        return generateKey(strongBox = false)
    }

    private fun generateKey(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            keyAlias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(KEY_BYTES * 8)
            // The Keystore picks every IV: a nonce is never reused.
            .setRandomizedEncryptionRequired(true)
            // Background sync must work with the screen locked.
            .setUserAuthenticationRequired(false)
            .apply {
                if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) setIsStrongBoxBacked(true)
            }
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec)
        return generator.generateKey()
    }

    private fun wrap(wrappingKey: SecretKey, dataKey: ByteArray): WrappedKey {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey)
        cipher.updateAAD(AAD)
        val sealed = cipher.doFinal(dataKey)
        val iv = cipher.iv ?: throw HostException.Failed("android keystore: no IV from the cipher")
        return WrappedKey(iv, sealed)
    }

    private fun unwrap(wrappingKey: SecretKey, wrapped: WrappedKey): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey, GCMParameterSpec(TAG_BITS, wrapped.iv))
        cipher.updateAAD(AAD)
        val key = cipher.doFinal(wrapped.sealed)
        if (key.size != KEY_BYTES) {
            key.fill(0)
            throw HostException.Failed("android keystore: the stored data key has the wrong size")
        }
        return key
    }

    /** Temporary file, fsync, atomic rename, directory fsync. */
    private fun writeDurably(bytes: ByteArray) {
        FileOutputStream(tempFile).use { out ->
            out.write(bytes)
            out.fd.sync()
        }
        try {
            Os.rename(tempFile.path, keyFile.path)
        } catch (e: ErrnoException) {
            tempFile.delete()
            throw IOException("rename failed", e)
        }
        syncDirectory()
    }

    /** Makes the rename itself durable; best effort where a directory cannot be opened. */
    private fun syncDirectory() {
        try {
            val fd = Os.open(directory.path, OsConstants.O_RDONLY, 0)
            try {
                Os.fsync(fd)
            } finally {
                Os.close(fd)
            }
        } catch (_: ErrnoException) {
            // Some file systems refuse fsync on a directory; the file itself is synced.
        }
    }

    private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    /**
     * The file's format: version (1 byte), IV length (1 byte), IV, then the
     * GCM ciphertext and tag of the 32-byte key. The AAD binds it to its
     * purpose and format version.
     */
    private class WrappedKey(val iv: ByteArray, val sealed: ByteArray) {
        fun encode(): ByteArray {
            if (iv.size != IV_BYTES) throw HostException.Failed("android keystore: unexpected IV size")
            return byteArrayOf(FORMAT_VERSION, iv.size.toByte()) + iv + sealed
        }

        companion object {
            fun decode(bytes: ByteArray): WrappedKey {
                val expected = 2 + IV_BYTES + KEY_BYTES + TAG_BITS / 8
                if (bytes.size != expected ||
                    bytes[0] != FORMAT_VERSION ||
                    bytes[1].toInt() != IV_BYTES
                ) {
                    throw HostException.Failed("android keystore: the stored data key is damaged")
                }
                return WrappedKey(
                    bytes.copyOfRange(2, 2 + IV_BYTES),
                    bytes.copyOfRange(2 + IV_BYTES, bytes.size),
                )
            }
        }
    }

    companion object {
        /** The Android Keystore alias of the key that wraps the data key. */
        const val DEFAULT_KEY_ALIAS = "vn.hoso.data-key-wrap"

        /** The wrapped data key's file name, in `noBackupFilesDir/vn.hoso/`. */
        const val DEFAULT_FILE_NAME = "data-key.v1"

        private const val DIRECTORY = "vn.hoso"
        private const val ANDROID_KEYSTORE = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val KEY_BYTES = 32
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128
        private const val FORMAT_VERSION: Byte = 1
        private val AAD = "vn.hoso data key v1".toByteArray(Charsets.US_ASCII)

        /** One creation at a time in this process, whatever the instance. */
        private val PROCESS_LOCK = Any()
    }
}
