//! The figures of a run: the spread of samples, a measured or missing row, a section of
//! `results.json` (which xtask renders into BENCHMARKS.md).

use serde_json::{json, Value};

/// Median, p10, p90, min, max of `samples` (linear interpolation between ranks).
pub fn spread(samples: &[f64]) -> Value {
    let mut s: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return json!({ "runs": 0 });
    }
    s.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let pos = p * (s.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
    };
    json!({
        "median": round(q(0.5)),
        "p10": round(q(0.1)),
        "p90": round(q(0.9)),
        "min": round(s[0]),
        "max": round(s[s.len() - 1]),
        "runs": s.len(),
    })
}

pub fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

pub fn median(samples: &[f64]) -> f64 {
    spread(samples)["median"].as_f64().unwrap_or(f64::NAN)
}

/// A measured row. `verdict` is a short word on the goal ("met", "missed", …) or None.
pub fn row(name: &str, unit: &str, samples: &[f64], goal: &str, verdict: Option<&str>) -> Value {
    let mut r = spread(samples);
    r["name"] = json!(name);
    r["unit"] = json!(unit);
    r["goal"] = json!(goal);
    if let Some(v) = verdict {
        r["verdict"] = json!(v);
    }
    r
}

/// A row that could not be measured, and why.
pub fn not_measured(name: &str, goal: &str, why: &str) -> Value {
    json!({ "name": name, "goal": goal, "not_measured": why })
}

pub fn verdict(ok: bool) -> Option<&'static str> {
    Some(if ok { "goal met" } else { "goal missed" })
}

pub fn section(title: &str, how: &str, rows: Vec<Value>, notes: Vec<String>) -> Value {
    json!({ "title": title, "how": how, "rows": rows, "notes": notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_interpolates_between_ranks_and_skips_non_finite_samples() {
        let s = spread(&[5.0, 1.0, f64::NAN, 3.0, 2.0, 4.0, f64::INFINITY]);
        assert_eq!(
            s,
            json!({ "median": 3.0, "p10": 1.4, "p90": 4.6, "min": 1.0, "max": 5.0, "runs": 5 })
        );
        assert_eq!(spread(&[]), json!({ "runs": 0 }));
        assert_eq!(spread(&[7.0])["p90"], 7.0);
        assert!(median(&[]).is_nan());
        assert_eq!(median(&[2.0, 1.0]), 1.5);
        assert_eq!(round(1.234_567_89), 1.234_568);
    }

    #[test]
    fn rows_and_sections_have_the_shape_xtask_renders() {
        let r = row("n", "ms", &[1.0], "g", verdict(false));
        assert_eq!(r["name"], "n");
        assert_eq!(r["unit"], "ms");
        assert_eq!(r["goal"], "g");
        assert_eq!(r["verdict"], "goal missed");
        assert_eq!(r["median"], 1.0);
        assert!(row("n", "ms", &[1.0], "g", None).get("verdict").is_none());
        assert_eq!(verdict(true), Some("goal met"));
        assert_eq!(
            not_measured("n", "g", "why"),
            json!({ "name": "n", "goal": "g", "not_measured": "why" })
        );
        assert_eq!(
            section("t", "h", vec![json!(1)], vec!["x".into()]),
            json!({ "title": "t", "how": "h", "rows": [1], "notes": ["x"] })
        );
    }
}
