#!/usr/bin/env bash
# Builds ios/HosoFFIFFI.xcframework, the binary target of the Swift package in
# ios/: hoso-ffi's static library for iOS devices (arm64) and the Simulator
# (arm64 and x86_64, one fat library), each with the generated C header and
# module map from ios/Sources/HosoFFIFFI/include.
#
# Needs macOS with Xcode (xcodebuild, lipo, the iOS and Simulator SDKs), Rust
# through rustup (it adds the iOS targets) and python3 (bindings/generate).
# IPHONEOS_DEPLOYMENT_TARGET (default 15.0, the package's minimum) reaches
# rustc and the C compiler of crates with C code.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ios/build-xcframework.sh [--debug]

Builds ios/HosoFFIFFI.xcframework from hoso-ffi (release unless --debug),
after checking with bindings/generate --check that the checked-in Swift
bindings and C header match the library.

  --debug    a debug build: quicker to build, larger and slower to run
  -h, --help this text

Environment: IPHONEOS_DEPLOYMENT_TARGET (default 15.0).
EOF
}

die() {
  printf 'build-xcframework: %s\n' "$*" >&2
  exit 1
}

profile=release
for arg in "$@"; do
  case "$arg" in
    --debug) profile=debug ;;
    --release) profile=release ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $arg"
      ;;
  esac
done

# --- The machine -------------------------------------------------------------

[[ "$(uname -s)" == Darwin ]] ||
  die "an iOS XCFramework can only be built on macOS with Xcode (this is $(uname -s)). Elsewhere, 'bindings/generate --check' checks the Swift bindings."
command -v xcodebuild >/dev/null 2>&1 ||
  die "xcodebuild not found: install Xcode (the App Store, or developer.apple.com/xcode)"
xcodebuild -version >/dev/null 2>&1 ||
  die "xcodebuild does not run: only the Command Line Tools are selected, or the licence is not accepted. Run: sudo xcode-select --switch /Applications/Xcode.app/Contents/Developer && sudo xcodebuild -license accept"
for sdk in iphoneos iphonesimulator; do
  xcrun --sdk "$sdk" --show-sdk-path >/dev/null 2>&1 ||
    die "the $sdk SDK is missing from $(xcode-select -p): add the iOS platform in Xcode (Settings > Components)"
done
command -v rustup >/dev/null 2>&1 ||
  die "rustup not found: the iOS targets come from rustup (https://rustup.rs); a Rust without rustup cannot add them"
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup (https://rustup.rs)"
command -v python3 >/dev/null 2>&1 || die "python3 not found (bindings/generate needs it): xcode-select --install"

ios="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$ios/.." && pwd)"
cd "$root"

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-15.0}"
headers="$ios/Sources/HosoFFIFFI/include"
lib=libhoso_ffi.a
device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)

# --- The bindings must describe this library --------------------------------

echo "==> bindings/generate --check"
bindings/generate --check ||
  die "the checked-in bindings do not match hoso-ffi: run bindings/generate, review and commit the result, then build again"
[[ -f "$headers/hoso_ffiFFI.h" && -f "$headers/module.modulemap" ]] ||
  die "missing $headers/hoso_ffiFFI.h or module.modulemap: run bindings/generate"

# --- Rust, for each target ----------------------------------------------------

installed="$(rustup target list --installed)"
for target in "$device" "${simulators[@]}"; do
  if ! grep -qx "$target" <<<"$installed"; then
    echo "==> rustup target add $target"
    rustup target add "$target"
  fi
done

cargo_args=(-p hoso-ffi --lib)
if [[ "$profile" == release ]]; then
  cargo_args+=(--release)
fi
for target in "$device" "${simulators[@]}"; do
  echo "==> cargo build $profile for $target (iOS $IPHONEOS_DEPLOYMENT_TARGET)"
  cargo build "${cargo_args[@]}" --target "$target"
done

target_dir="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
built() { printf '%s/%s/%s/%s' "$target_dir" "$1" "$profile" "$lib"; }
for target in "$device" "${simulators[@]}"; do
  [[ -f "$(built "$target")" ]] || die "cargo reported success but $(built "$target") is missing"
done

# --- One fat Simulator library, then the XCFramework -------------------------

stage="$ios/build/$profile"
rm -rf "$stage"
mkdir -p "$stage/simulator"
simulator_libs=()
for target in "${simulators[@]}"; do
  simulator_libs+=("$(built "$target")")
done
echo "==> lipo: ${simulators[*]}"
xcrun lipo -create "${simulator_libs[@]}" -output "$stage/simulator/$lib"
xcrun lipo -info "$stage/simulator/$lib"

out="$ios/HosoFFIFFI.xcframework"
rm -rf "$out"
echo "==> xcodebuild -create-xcframework"
xcodebuild -create-xcframework \
  -library "$(built "$device")" -headers "$headers" \
  -library "$stage/simulator/$lib" -headers "$headers" \
  -output "$out"

echo "build-xcframework: $out ($profile, iOS $IPHONEOS_DEPLOYMENT_TARGET+)"
