//! `toolup env`: the kind of machine, with confidence and indicators.

use crate::base::environment::Environment;

/// `env --format json`: the verdict with its schema version.
pub fn document(env: &Environment) -> serde_json::Result<serde_json::Value> {
    let mut doc = serde_json::to_value(env)?;
    doc["schema_version"] = 1.into();
    Ok(doc)
}

/// The verdict, then each indicator on its own line.
pub fn text(env: &Environment) -> String {
    let mut text = format!(
        "environment: {} (confidence {:.0}%{})\n",
        env.kind,
        env.confidence * 100.0,
        if env.overridden { ", overridden" } else { "" }
    );
    for indicator in &env.indicators {
        text.push_str(&format!("  - {indicator}\n"));
    }
    text
}
