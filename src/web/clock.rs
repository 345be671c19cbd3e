//! Time: the clock, the local UTC offset and performance marks.

use leptos::prelude::window;

/// Unix time in ms.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The local UTC offset in minutes (east positive).
pub fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Milliseconds since the epoch shifted to local time (for the default task name).
pub fn now_ms_local() -> i64 {
    let d = js_sys::Date::new_0();
    let offset_min = d.get_timezone_offset();
    (d.get_time() - offset_min * 60_000.0) as i64
}

/// `performance.mark(name)`.
pub fn performance_mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}
