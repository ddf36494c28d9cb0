//! A whole catalog in layers (`catalog::load_layers`, as `load_catalog`
//! layers the built-in or replacement catalog, modules and the user's
//! overlay): files separated by NUL, each `LAYER STEM` on its first line
//! (layer 0 to 2), its TOML after. A catalog loaded names every tool once,
//! sorted; what a tool requires and what a preset names exists; a tool
//! defined again comes from the last layer that defines it.

use toolup::catalog::{Layer, load_layers};

const ORIGINS: [&str; 3] = ["built-in", "module team", "your catalog"];

pub fn run(data: &[u8]) {
    let mut layers: [Vec<(String, String)>; 3] = Default::default();
    for file in data.split(|b| *b == 0) {
        let text = super::text(file);
        let (head, body) = text.split_once('\n').unwrap_or((&text, ""));
        let (layer, stem) = match head.split_once(' ') {
            Some((l, s)) => (l.trim().parse::<usize>().unwrap_or(0).min(2), s.trim()),
            None => (0, head.trim()),
        };
        layers[layer].push((format!("catalog{layer}/{stem}.toml"), body.to_owned()));
    }
    let given: Vec<Layer<'_>> = layers
        .iter()
        .zip(ORIGINS)
        .map(|(files, origin)| Layer {
            origin,
            strict: true,
            files,
        })
        .collect();
    let Ok(catalog) = load_layers(&given) else {
        return;
    };
    let names: Vec<&str> = catalog.tools.iter().map(|t| t.name()).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    for tool in &catalog.tools {
        for required in &tool.spec.requires {
            assert!(catalog.get(required).is_some(), "{required}");
        }
        // The last layer holding a file of this name defined it.
        let last = (0..3)
            .rev()
            .find(|l| {
                layers[*l].iter().any(|(path, _)| {
                    std::path::Path::new(path).file_stem() == Some(tool.name().as_ref())
                })
            })
            .unwrap_or_else(|| panic!("{} from no layer", tool.name()));
        assert!(tool.origin.starts_with(ORIGINS[last]), "{}: {}", tool.name(), tool.origin);
    }
    for preset in catalog.presets.values() {
        for name in &preset.tools {
            assert!(catalog.get(name).is_some(), "{name}");
        }
    }
}
