//! One AFL++ harness for every target of `siks-fuzz`, chosen by `SIKS_FUZZ_TARGET`.

fn main() {
    let name = std::env::var("SIKS_FUZZ_TARGET").unwrap_or_default();
    let Some(target) = siks_fuzz::target(&name) else {
        let names: Vec<&str> = siks_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!("SIKS_FUZZ_TARGET must be one of: {}", names.join(", "));
        std::process::exit(2);
    };
    // Without the hook that aborts at the first panic: a panic the parser catches itself (a
    // third-party reader's, turned into a refusal) is no crash; one that escapes still is.
    afl::fuzz_nohook!(|data: &[u8]| {
        target(data);
    });
}
