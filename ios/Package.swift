// swift-tools-version:5.10
// The Swift package of hoso's core for iOS apps.
//
//   HosoFFIFFI  the Rust static library and its C header, as an XCFramework
//               built by build-xcframework.sh (not checked in)
//   HosoFFI     the generated uniffi bindings (Sources/HosoFFI/HosoFFI.swift,
//               written by bindings/generate; never edited by hand)
//   Hoso        the hand-written iOS host: Keychain key, network monitor,
//               event stream, background sync, opening a data directory
//
// Tools version 5.10: the generated bindings use `nonisolated(unsafe)`
// (Swift 5.10, Xcode 15.3). The language mode stays Swift 5.

import PackageDescription

let package = Package(
    name: "Hoso",
    platforms: [.iOS(.v15)],
    products: [
        // HosoFFI is exported too: apps name its records, enums and errors
        // (`Hoso`, `HosoEvent`, `HosoError`, `Draft` …) with `import HosoFFI`.
        .library(name: "Hoso", targets: ["Hoso", "HosoFFI"]),
    ],
    targets: [
        .binaryTarget(name: "HosoFFIFFI", path: "HosoFFIFFI.xcframework"),
        .target(
            name: "HosoFFI",
            dependencies: ["HosoFFIFFI"],
            path: "Sources/HosoFFI",
            sources: ["HosoFFI.swift"],
            // What the Rust static library needs from the system, from
            // `rustc --print native-static-libs` for aarch64-apple-ios over
            // the crates that declare native links (security-framework-sys,
            // core-foundation-sys, libc): `-framework Security
            // -framework CoreFoundation -liconv -lSystem -lc -lm`. libSystem,
            // libc and libm come with every app. Security is the platform
            // certificate verifier (rustls-platform-verifier → SecTrust);
            // CoreFoundation its types. libiconv is declared by the libc
            // crate (its deprecated iconv bindings) and listed to follow
            // rustc exactly; it is in every iOS SDK. Nothing in the
            // dependency tree uses SystemConfiguration (reqwest's system
            // proxy feature is off) or libresolv (Rust's std for iOS asks
            // only for libSystem, libc and libm). Check again after adding a
            // dependency with native code (README: "Linking").
            linkerSettings: [
                .linkedFramework("Security"),
                .linkedFramework("CoreFoundation"),
                .linkedLibrary("iconv"),
            ]
        ),
        .target(
            name: "Hoso",
            dependencies: ["HosoFFI"],
            path: "Sources/Hoso"
        ),
        // Runs in the iOS Simulator (the XCFramework has no macOS slice):
        // xcodebuild test -scheme Hoso-Package -destination 'platform=iOS Simulator,name=…'
        .testTarget(
            name: "HosoTests",
            dependencies: ["Hoso", "HosoFFI"],
            path: "Tests/HosoTests"
        ),
    ],
    swiftLanguageVersions: [.v5]
)
