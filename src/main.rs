//! The form module (Trunk's main binary): mounts [`fastexec::App`]. The on-demand modules are
//! `src/bin/fastexec-job.rs` and `src/bin/fastexec-tools.rs`.

fn main() {
    // Debug builds only: the hook's message formatting is dead weight in the release bundle.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(fastexec::App);
}
