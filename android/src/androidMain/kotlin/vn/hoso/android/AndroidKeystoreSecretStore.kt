/*
 * AndroidKeystoreSecretStore: the host SecretStore of assisted filing on
 * Android — the named secrets (the residents' keyring key) that unlock
 * residents' data, each wrapped by an Android Keystore key of its own, so
 * forgetting a secret deletes its Keystore key and the erasure holds even
 * against a copy of the app's files.
 */
package vn.hoso.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import vn.hoso.ffi.HostException
import vn.hoso.ffi.SecretStore

/**
 * Keeps each secret as AES-256-GCM ciphertext in `noBackupFilesDir/vn.hoso/secrets/<name>`,
 * under a non-exportable Android Keystore key whose alias is
 * `vn.hoso.secret.<name>` (no user authentication: sync runs with the screen
 * locked). [delete] removes the file and then the Keystore key: once it
 * returns, no copy of the file can be unwrapped, which is what makes wiping a
 * resident a crypto-erasure. Names come from the core
 * (`hoso-resident-keyring-<id>-<epoch>`); they are checked to be plain.
 * Messages never carry key material.
 */
class AndroidKeystoreSecretStore(context: Context) : SecretStore {
    private val directory = File(
        (context.applicationContext ?: context).noBackupFilesDir,
        "vn.hoso/secrets",
    )

    override fun get(name: String): ByteArray? = guarded("read") {
        val file = File(directory, checked(name))
        if (!file.exists()) return@guarded null
        val key = keyStore().getKey(alias(name), null) as? SecretKey
            ?: throw HostException.Failed("android keystore: the key of a stored secret is gone")
        val bytes = file.readBytes()
        if (bytes.size <= IV_BYTES) throw HostException.Failed("android keystore: a stored secret is damaged")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES))
        cipher.doFinal(bytes, IV_BYTES, bytes.size - IV_BYTES)
    }

    override fun put(name: String, secret: ByteArray) = guarded("store") {
        checked(name)
        if (!directory.isDirectory && !directory.mkdirs() && !directory.isDirectory) {
            throw IOException("cannot create the secrets directory")
        }
        val keyStore = keyStore()
        if (keyStore.containsAlias(alias(name))) keyStore.deleteEntry(alias(name))
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, generateKey(alias(name)))
        val sealed = cipher.doFinal(secret)
        val iv = cipher.iv ?: throw HostException.Failed("android keystore: no IV from the cipher")
        val temp = File(directory, "$name.tmp")
        FileOutputStream(temp).use { out ->
            out.write(iv)
            out.write(sealed)
            out.fd.sync()
        }
        if (!temp.renameTo(File(directory, name))) {
            temp.delete()
            throw IOException("rename failed")
        }
    }

    override fun delete(name: String) = guarded("delete") {
        val file = File(directory, checked(name))
        if (file.exists() && !file.delete()) throw IOException("delete failed")
        val keyStore = keyStore()
        if (keyStore.containsAlias(alias(name))) keyStore.deleteEntry(alias(name))
    }

    private fun <T> guarded(step: String, block: () -> T): T = synchronized(LOCK) {
        try {
            block()
        } catch (e: HostException) {
            throw e
        } catch (e: Exception) {
            throw HostException.Failed("android keystore: cannot $step a secret (${e.javaClass.simpleName})")
        }
    }

    private fun checked(name: String): String {
        if (name.isEmpty() || name.length > 120 || !name.all { it.isLetterOrDigit() || it == '-' || it == '_' }) {
            throw HostException.Failed("android keystore: unusable secret name")
        }
        return name
    }

    private fun alias(name: String) = "vn.hoso.secret.$name"

    private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    private fun generateKey(alias: String): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .setUserAuthenticationRequired(false)
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec)
        return generator.generateKey()
    }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BITS = 128
        val LOCK = Any()
    }
}
