//! `toolup env`: the kind of machine, with confidence and indicators.

use crate::base::printer::Printer;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let env = settings.environment();
    if settings.format == Format::Json {
        let mut doc = serde_json::to_value(&env)?;
        doc["schema_version"] = 1.into();
        printer.json(&doc)?;
        return Ok(Outcome::Success);
    }
    let mut text = format!(
        "environment: {} (confidence {:.0}%{})\n",
        env.kind,
        env.confidence * 100.0,
        if env.overridden { ", overridden" } else { "" }
    );
    for indicator in &env.indicators {
        text.push_str(&format!("  - {indicator}\n"));
    }
    printer.out(&text);
    Ok(Outcome::Success)
}
