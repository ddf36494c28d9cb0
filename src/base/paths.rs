//! Questions about paths that every layer asks.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A regular file (after following links) with an execute bit.
pub fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `path` as text that reads back as the very same path (an argv's word,
/// a script's argument): refused, with an error naming it, when it is not
/// UTF-8 — any text for it would name another file, which a look-alike
/// could be.
pub fn as_text(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| {
        format!(
            "{} is not a UTF-8 path: toolup passes programs and paths to programs as text, \
             and no text names this one (refused rather than run another file)",
            path.display()
        )
    })
}

/// The program an argv's first word names. Argv words are text; a word
/// holding U+FFFD is what a path that is not UTF-8 became when made text,
/// and the file it names is not the one meant: refused, naming it.
pub fn program(word: &str) -> Result<std::path::PathBuf, String> {
    if word.contains('\u{fffd}') {
        return Err(format!(
            "refusing to run {word}: its path holds U+FFFD, which stands for bytes that are not \
             UTF-8, so it names another file than the one meant"
        ));
    }
    Ok(std::path::PathBuf::from(word))
}

/// This toolup binary as an argv's first word: its path when it is UTF-8;
/// `toolup` (found on PATH) when it cannot be known; otherwise the path's
/// lossy text, which `program` refuses to run.
pub fn own_program() -> String {
    match std::env::current_exe() {
        Ok(path) => {
            as_text(&path).map_or_else(|_| path.to_string_lossy().into_owned(), str::to_owned)
        }
        Err(_) => "toolup".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn a_path_that_is_not_utf8_is_never_made_text_and_run() {
        let odd = std::path::Path::new(std::ffi::OsStr::from_bytes(b"/home/\xff\xfe/bin/x"));
        assert!(
            super::as_text(odd)
                .unwrap_err()
                .contains("not a UTF-8 path")
        );
        let lossy = odd.to_string_lossy();
        assert!(super::program(&lossy).is_err());
        assert_eq!(
            super::program("/usr/bin/git").unwrap(),
            std::path::Path::new("/usr/bin/git")
        );
        assert_eq!(
            super::as_text(std::path::Path::new("/usr/bin/git")),
            Ok("/usr/bin/git")
        );
    }
}
