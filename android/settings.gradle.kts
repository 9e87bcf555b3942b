// The Android library build of hoso (the AAR vn.hoso:hoso-android), for
// machines with the Android SDK and NDK; see README.md. android/ is its own
// Gradle build: the JVM tests beside it run with Maven (pom.xml), not Gradle.

pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // rustls-platform-verifier's Kotlin component (an AAR), published by
        // its maintainers as a Maven repository on GitHub; the version is the
        // one Cargo.lock pins (see build.gradle.kts). Only that group is
        // looked up there.
        maven {
            url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
            content { includeGroup("org.rustls") }
        }
    }
}

rootProject.name = "hoso-android"
