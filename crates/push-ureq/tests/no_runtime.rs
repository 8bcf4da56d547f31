//! The blocking client pulls in no async runtime: no tokio, no async-std, no smol.

use std::process::Command;

#[test]
fn no_async_runtime_in_the_dependency_tree() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "push-ureq",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    assert!(tree.contains("ureq v3"), "the tree lists ureq:\n{tree}");
    for runtime in ["tokio ", "async-std ", "smol ", "async-io "] {
        assert!(
            !tree.lines().any(|line| line.starts_with(runtime)),
            "{runtime}is in the tree:\n{tree}"
        );
    }
}
