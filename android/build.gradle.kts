// hoso-android: the Android library (AAR vn.hoso:hoso-android) around hoso's
// Rust core. Built on a machine with the Android SDK and NDK, Rust, and
// cargo-ndk (see README.md, "Building the AAR"); nothing here runs in the
// Maven JVM build beside it.
//
// The AAR holds:
// - src/main/kotlin                    the shared thin layer (vn.hoso), also
//                                      compiled and tested on the JVM by Maven;
// - src/androidMain/kotlin             Android-only code (vn.hoso.android);
// - src/generated/android/kotlin       the uniffi bindings, Android flavour
//                                      (vn.hoso.ffi; written by bindings/generate,
//                                      never edited by hand);
// - jni/<abi>/libhoso_ffi.so           the core, built by `cargoNdkBuild`.

import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    // AGP 8.13.x is the newest line where the kotlin-android plugin is
    // first-class (AGP 9 builds Kotlin itself; see README.md).
    id("com.android.library") version "8.13.2"
    // Kotlin as in the Maven build (pom.xml: kotlin.version).
    id("org.jetbrains.kotlin.android") version "2.4.21"
    `maven-publish`
}

group = "vn.hoso"
// Keep in step with [workspace.package] version in ../Cargo.toml.
version = "0.1.0"

/** The Cargo workspace: this module is its android/ directory. */
val cargoWorkspace: File = rootDir.parentFile

/** Where `cargoNdkBuild` puts libhoso_ffi.so, one directory per ABI. */
val rustJniLibs: File = layout.buildDirectory.dir("rustJniLibs").get().asFile

/** The ABIs built and shipped (x86_64 for emulators and Chromebooks). */
val androidAbis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

val minSdkVersion = 24

// ---------------------------------------------------------------------------
// rustls-platform-verifier's Kotlin component. The Rust crate calls
// org.rustls.platformverifier.CertificateVerifier through JNI; the matching
// AAR is published by its maintainers in a Maven repository on GitHub
// (declared in settings.gradle.kts). Its version must be exactly the
// rustls-platform-verifier-android crate's in Cargo.lock: read from there,
// as rustls-platform-verifier's README prescribes, so a `cargo update` moves
// both together.

abstract class RustlsPlatformVerifierVersion :
    ValueSource<String, RustlsPlatformVerifierVersion.Params> {
    interface Params : ValueSourceParameters {
        val lockFile: RegularFileProperty
    }

    override fun obtain(): String {
        val lockFile = parameters.lockFile.get().asFile
        val lines = lockFile.readLines()
        val nameAt = lines.indexOfFirst { it.trim() == "name = \"$CRATE\"" }
        val version = if (nameAt < 0) {
            null
        } else {
            lines.drop(nameAt + 1)
                .firstOrNull { it.trimStart().startsWith("version = ") }
                ?.substringAfter('"', "")
                ?.substringBefore('"', "")
                ?.takeIf { it.isNotEmpty() }
        }
        return version ?: throw GradleException("$CRATE not found in $lockFile")
    }

    companion object {
        const val CRATE = "rustls-platform-verifier-android"
    }
}

val rustlsPlatformVerifierVersion: Provider<String> =
    providers.of(RustlsPlatformVerifierVersion::class.java) {
        parameters.lockFile.set(layout.projectDirectory.file("../Cargo.lock"))
    }

configurations.configureEach {
    resolutionStrategy.eachDependency {
        if (requested.group == "org.rustls" && requested.name == "rustls-platform-verifier") {
            useVersion(rustlsPlatformVerifierVersion.get())
            because("the Kotlin component must be the version of ${RustlsPlatformVerifierVersion.CRATE} in Cargo.lock")
        }
    }
}

// ---------------------------------------------------------------------------
// The Android library.

android {
    namespace = "vn.hoso.android"
    compileSdk = 36
    // r28+ links 64-bit libraries for 16 KB pages by default (Google Play
    // requires it for apps targeting Android 15+). cargoNdkBuild uses this NDK
    // unless ANDROID_NDK_HOME names another.
    ndkVersion = "28.2.13676358"

    defaultConfig {
        minSdk = minSdkVersion
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            manifest.srcFile("src/androidMain/AndroidManifest.xml")
            kotlin.srcDirs(
                "src/main/kotlin",
                "src/androidMain/kotlin",
                // Not src/generated/jvm: that flavour is for the JVM tests.
                "src/generated/android/kotlin",
            )
            jniLibs.srcDir(rustJniLibs)
        }
    }

    buildTypes {
        release {
            // A library is shrunk by the app that uses it, with consumer-rules.pro.
            isMinifyEnabled = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    // The generated bindings call Rust through JNA; the AAR carries
    // libjnidispatch.so for every ABI. Public types of the bindings extend
    // JNA's, hence `api`.
    api("net.java.dev.jna:jna:5.19.1@aar")
    // Suspend functions and Flows in the public API; Dispatchers.Main on Android.
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
    // SyncWorker is a public CoroutineWorker.
    api("androidx.work:work-runtime-ktx:2.11.2")
    implementation("androidx.core:core-ktx:1.17.0")
    // @RequiresApi in the generated bindings (Android flavour).
    implementation("androidx.annotation:annotation:1.9.1")
    // Versioned from Cargo.lock (the resolution rule above enforces it for
    // any other request too); the published POM carries the version.
    implementation("org.rustls:rustls-platform-verifier:${rustlsPlatformVerifierVersion.get()}")
}

// ---------------------------------------------------------------------------
// The Rust core, for every ABI, with cargo-ndk
// 4.x (`cargo install cargo-ndk`; `rustup target add aarch64-linux-android
// armv7-linux-androideabi x86_64-linux-android`).

val ndkFromEnvironment: Provider<String> = providers.environmentVariable("ANDROID_NDK_HOME")
val ndkFromAgp: Provider<String> = androidComponents.sdkComponents.ndkDirectory.map { it.asFile.path }
val skipCargo: Boolean = providers.gradleProperty("hoso.skipCargo").map { it.toBoolean() }.getOrElse(false)

val cargoNdkBuild by tasks.registering(Exec::class) {
    group = "build"
    description = "Builds libhoso_ffi.so (release) for ${androidAbis.joinToString()} with cargo ndk."
    enabled = !skipCargo
    workingDir = cargoWorkspace
    commandLine(
        buildList {
            addAll(listOf("cargo", "ndk"))
            androidAbis.forEach { addAll(listOf("-t", it)) }
            addAll(listOf("--platform", minSdkVersion.toString()))
            addAll(listOf("-o", rustJniLibs.path))
            addAll(listOf("build", "--release", "-p", "hoso-ffi", "--lib"))
        },
    )
    // 16 KB page alignment of the 64-bit libraries (required by Google Play
    // for apps targeting Android 15+) needs nothing here: NDK r28 links that
    // way by default and cargo-ndk 4 adds -z max-page-size=16384 for older NDKs.
    val ndk = ndkFromEnvironment.orElse(ndkFromAgp)
    doFirst {
        environment("ANDROID_NDK_HOME", ndk.get())
    }
    // Re-run only when what the library is built from changes (the core
    // embeds core/data with include_str!).
    inputs.files(
        listOf("Cargo.toml", "Cargo.lock", "core/Cargo.toml", "bindings/Cargo.toml", "bindings/uniffi.toml")
            .map { cargoWorkspace.resolve(it) },
    ).withPropertyName("cargoManifests").withPathSensitivity(PathSensitivity.RELATIVE)
    mapOf("coreSources" to "core/src", "coreData" to "core/data", "bindingsSources" to "bindings/src")
        .forEach { (property, dir) ->
            inputs.dir(cargoWorkspace.resolve(dir))
                .withPropertyName(property)
                .withPathSensitivity(PathSensitivity.RELATIVE)
        }
    inputs.property("abis", androidAbis)
    inputs.property("minSdk", minSdkVersion)
    outputs.dir(rustJniLibs).withPropertyName("jniLibs")
}

// Before AGP collects jniLibs (mergeDebugJniLibFolders, mergeReleaseJniLibFolders …).
tasks.configureEach {
    if (name.startsWith("merge") && name.endsWith("JniLibFolders")) {
        dependsOn(cargoNdkBuild)
    }
}

// ---------------------------------------------------------------------------
// `gradle publishToMavenLocal` (or a repository added here) publishes
// vn.hoso:hoso-android with its sources jar.

publishing {
    publications {
        register<MavenPublication>("release") {
            groupId = "vn.hoso"
            artifactId = "hoso-android"
            version = project.version.toString()
            afterEvaluate {
                from(components["release"])
            }
        }
    }
}
