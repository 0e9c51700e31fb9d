//! One AFL++ harness for every target of `siks-fuzz`, chosen by `SIKS_FUZZ_TARGET`.

fn main() {
    let name = std::env::var("SIKS_FUZZ_TARGET").unwrap_or_default();
    let Some(target) = siks_fuzz::target(&name) else {
        let names: Vec<&str> = siks_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
        eprintln!("SIKS_FUZZ_TARGET must be one of: {}", names.join(", "));
        std::process::exit(2);
    };
    afl::fuzz!(|data: &[u8]| {
        target(data);
    });
}
