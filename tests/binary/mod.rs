//! The `chaff` binary as the command-line tests run it, and its JSON Lines output read back.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

/// The built `chaff`, without colour whatever the terminal.
pub fn chaff() -> Command {
    let mut cmd = Command::cargo_bin("chaff").expect("the chaff binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Each line of JSON Lines output as JSON.
pub fn jsonl(output: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each output line is JSON"))
        .collect()
}
