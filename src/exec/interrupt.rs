//! Ctrl-C and SIGTERM while toolup acts.
//!
//! While a plan runs, SIGINT and SIGTERM only set a flag: no new action
//! starts, a running package manager (in its own process group, so the
//! terminal's Ctrl-C never reaches it) is stopped by toolup itself — its
//! whole group, SIGTERM then SIGKILL — and the caller restores what it
//! replaced, records it, and exits 130. Outside of that, the signals keep
//! their default meaning.

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};

static INTERRUPTED: AtomicU32 = AtomicU32::new(0);

/// What the first signal says at once on stderr (a `&'static str`).
static SAY: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static SAY_LEN: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    // An atomic add and write(2) are async-signal-safe.
    if INTERRUPTED.fetch_add(1, Ordering::SeqCst) == 0 {
        let (text, len) = (SAY.load(Ordering::SeqCst), SAY_LEN.load(Ordering::SeqCst));
        if !text.is_null() {
            // SAFETY: `text` points at a `&'static str` of `len` bytes.
            unsafe { libc::write(libc::STDERR_FILENO, text.cast(), len) };
        }
    }
}

/// From now on, SIGINT and SIGTERM set the flag instead of ending toolup;
/// the first one says `say` on stderr at once (what happens now, and
/// that a second one stops even that).
pub fn catch(say: &'static str) {
    SAY_LEN.store(say.len(), Ordering::SeqCst);
    SAY.store(say.as_ptr().cast_mut(), Ordering::SeqCst);
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction with a handler that only stores to an
        // atomic is a valid, async-signal-safe disposition.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// True once SIGINT or SIGTERM arrived after `catch`.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst) >= 1
}

/// True once a second one arrived: stop even what was let finish.
pub fn forced() -> bool {
    INTERRUPTED.load(Ordering::SeqCst) >= 2
}

/// From now on, stdin reaching its end counts as a first interruption: a
/// fleet controller holds a host's stdin open for as long as it listens,
/// so when the controller is gone (Ctrl-C, a dropped connection, a kill),
/// the host's toolup starts nothing new and lets what runs finish.
pub fn when_stdin_closes() {
    let spawned = std::thread::Builder::new()
        .name("stdin-lifeline".to_owned())
        .spawn(|| {
            let mut sink = [0u8; 4096];
            let mut stdin = std::io::stdin().lock();
            loop {
                match std::io::Read::read(&mut stdin, &mut sink) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            INTERRUPTED.fetch_max(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        // Without the watcher the host would not notice a controller
        // leaving: treat that as leaving already.
        INTERRUPTED.fetch_max(1, Ordering::SeqCst);
    }
}
