//! The `siks` binary: the command line of [`siks`], with the allocator the bulk work wants.
#![forbid(unsafe_code)]

// The register's bulk work (imports, rankings, lists, exports) allocates a small value per cell;
// mimalloc does that markedly faster than the system allocator (see ADR 0013).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    siks::main_with_args(std::env::args_os())
}
