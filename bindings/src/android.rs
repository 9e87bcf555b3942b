//! Android only: the one JNI entry point of the library,
//! `vn.hoso.android.PlatformVerifier.nativeInit(Context)`, which hands
//! rustls-platform-verifier the JVM and the application's context and class
//! loader so TLS certificates are checked by Android's own trust manager
//! (system and user CAs, the app's network security config, revocation).
//!
//! Everything else crosses through uniffi (JNA); this function is called by
//! JNI, which is why the Kotlin side loads `libhoso_ffi.so` with
//! `System.loadLibrary` before calling it. It must run once before the first
//! network call: without it the verifier has no JVM to ask and every TLS
//! handshake fails. It never unwinds into the JVM: an error or a panic
//! becomes a pending `java.lang.RuntimeException` for the Kotlin caller.

use jni::errors::{Error, ThrowRuntimeExAndDefault};
use jni::objects::{JClass, JObject};
use jni::refs::Reference as _;
use jni::EnvUnowned;

/// `private external fun nativeInit(context: Context)`, a `@JvmStatic`
/// member of the Kotlin `object vn.hoso.android.PlatformVerifier`.
///
/// `context` should be the application context: a global reference to it
/// is kept for the life of the process. Calling again is harmless (the
/// first call's context stays).
#[no_mangle]
pub extern "system" fn Java_vn_hoso_android_PlatformVerifier_nativeInit<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    context: JObject<'caller>,
) {
    // `with_env` catches panics; the policy turns an error or a panic into
    // a Java exception (unless one is already pending) and returns `()`.
    unowned_env
        .with_env(|env| -> Result<(), Error> {
            if context.is_null() {
                return Err(Error::NullPtr("context"));
            }
            rustls_platform_verifier::android::init_with_env(env, context)
        })
        .resolve::<ThrowRuntimeExAndDefault>()
}
