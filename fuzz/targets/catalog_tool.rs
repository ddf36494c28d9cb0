//! One catalog file (`catalog::parse_tool_file`, strict as for files on
//! disk): `STEM NUL TOML`. A tool read is valid as the catalog defines
//! valid; an error names the file.

use toolup::catalog::{install_keys, parse_tool_file};

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [stem, text] = fields.as_slice() else {
        return;
    };
    let label = format!("fuzz/{stem}.toml");
    match parse_tool_file(&label, stem, text, true) {
        Ok(tool) => {
            assert_eq!(tool.name(), stem.as_ref());
            assert!(toolup::base::names::is_valid_name(tool.name()));
            assert!(!tool.spec.bins.is_empty());
            for bin in &tool.spec.bins {
                assert!(!bin.is_empty() && !bin.contains('/') && !bin.starts_with('.'));
            }
            let keys = install_keys();
            for (key, package) in &tool.spec.install {
                assert!(keys.contains(&key.as_str()), "{key}");
                assert!(toolup::base::names::is_valid_package_name(package));
            }
            // Strict: the patterns compile, and the version's has group 1.
            if tool.spec.version_pattern.is_some() {
                let re = tool.version_regex().unwrap_or_else(|| panic!("{stem}"));
                assert!(re.captures_len() >= 2);
            }
            for upstream in tool.upstream.iter() {
                let again = toolup::upstream::Upstreams::parse(&upstream.to_string())
                    .unwrap_or_else(|e| panic!("{upstream}: {e}"));
                assert_eq!(again.iter().next(), Some(upstream));
            }
        }
        Err(e) => assert!(e.to_string().starts_with(&label), "{e}"),
    }
}
