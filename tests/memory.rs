//! Memory stays flat as the input of `chaff score --jsonl` grows. The peak resident set size of
//! the child process is read from the kernel's accounting (getrusage), never from a timer; this
//! file is a test process of its own so that no other child counts.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn chaff() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chaff"))
}

/// Peak resident set size, in MB, of the largest child this process has waited for.
fn children_peak_rss_mb() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a rusage struct into the pointer it is given.
    let usage = unsafe {
        assert_eq!(
            libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()),
            0
        );
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0 // kilobytes on Linux
}

/// Writes `megabytes` of JSON Lines records of about 5 KB of varied health prose.
fn generate(path: &Path, megabytes: usize) {
    let sentences = [
        "Researchers followed 2,000 adults for ten years and recorded every fracture.",
        "The drug costs about $500 a month, and insurers rarely cover it.",
        "Side effects were mild, but it is not clear whether the benefit lasts.",
        "Dr. Ana Ruiz, who was not involved in the study, said the trial was small.",
        "This miracle supplement is a game-changer! Order today and save 20%.",
        "Studies show that turmeric works better than ibuprofen for joint pain.",
        "The randomized trial compared the injection with a placebo in 300 patients.",
        "High blood strain is a noteworthy danger factor for coronary episode.",
    ];
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let (mut written, mut id) = (0usize, 0usize);
    while written < megabytes * 1024 * 1024 {
        let mut text = String::new();
        let mut k = id;
        while text.len() < 5 * 1024 {
            text.push_str(sentences[k % sentences.len()]);
            text.push_str(if k % 5 == 0 { "\n\n" } else { " " });
            k = k.wrapping_mul(31).wrapping_add(7);
        }
        let line = serde_json::json!({"id": format!("doc-{id}"), "text": text}).to_string();
        writeln!(file, "{line}").unwrap();
        written += line.len() + 1;
        id += 1;
    }
}

/// Scores a file with the output going to another file (so that nothing buffers it), and
/// returns the number of output lines.
fn score_to_file(input: &Path, output: &Path) -> usize {
    let status = chaff()
        .args(["score", "--jsonl", "--format", "jsonl"])
        .arg(input)
        .stdout(std::fs::File::create(output).unwrap())
        .stderr(Stdio::null())
        .status()
        .expect("run chaff");
    assert_eq!(status.code(), Some(0));
    let file = std::io::BufReader::new(std::fs::File::open(output).unwrap());
    std::io::BufRead::lines(file).count()
}

#[test]
fn memory_stays_flat_as_the_input_grows() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small.jsonl");
    let large = dir.path().join("large.jsonl");
    let out = dir.path().join("out.jsonl");
    generate(&small, 10);
    generate(&large, 80);
    assert!(score_to_file(&small, &out) > 1000);
    let small_peak = children_peak_rss_mb();
    assert!(score_to_file(&large, &out) > 8 * 1000);
    let large_peak = children_peak_rss_mb();
    eprintln!("peak RSS: {small_peak:.1} MB on 10 MB, {large_peak:.1} MB on 80 MB");
    assert!(
        large_peak < 100.0,
        "peak RSS {large_peak:.1} MB on 80 MB of input"
    );
    assert!(
        large_peak < small_peak * 1.5 + 5.0,
        "memory grows with the input: {small_peak:.1} MB on 10 MB, {large_peak:.1} MB on 80 MB"
    );
}
