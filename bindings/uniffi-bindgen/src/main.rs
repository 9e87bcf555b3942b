//! `uniffi-bindgen`: uniffi's own generator, pinned to the workspace's uniffi,
//! run in library mode on the built hoso-ffi library, e.g.
//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libhoso_ffi.so --language kotlin --out-dir OUT`.
//! `bindings/generate` runs it for every checked-in flavour.

fn main() {
    uniffi::uniffi_bindgen_main()
}
