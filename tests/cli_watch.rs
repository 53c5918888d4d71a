//! `auditbench watch` as a user sees it: local time, the findings of each
//! batch named, a deleted file's findings removed, warnings for files it could
//! not analyse, a configuration typo survived, and `--no-db` showing findings.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BAD: &str = "class Session:\n    def __enter__(self):\n        return self\n";
const GOOD: &str = "class Session:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        return False\n";

struct Watch {
    child: Child,
    out: Receiver<String>,
    err: Receiver<String>,
}

fn lines(r: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}

impl Watch {
    fn start(root: &Path, extra: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_auditbench"))
            .arg("watch")
            .arg(root)
            .args(extra)
            // Five hours east of UTC (POSIX TZ signs are inverted).
            .env("TZ", "UTC-5")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = lines(child.stdout.take().unwrap());
        let err = lines(child.stderr.take().unwrap());
        Watch { child, out, err }
    }

    /// Lines from `rx` up to and including the first that contains `what`.
    fn until(rx: &Receiver<String>, what: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = vec![];
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(l) => {
                    let done = l.contains(what);
                    seen.push(l);
                    if done {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with {what:?} in {seen:#?}");
    }

    fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert_eq!(self.child.wait().unwrap().code(), Some(0));
    }
}

/// The hour of now in UTC+5, and of a minute later (a test across an hour's end).
fn local_hours() -> [String; 2] {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 5 * 3600;
    [secs, secs + 60].map(|s| format!("{:02}:", s / 3600 % 24))
}

#[test]
fn watch_names_findings_removes_deleted_ones_warns_and_survives_a_config_typo() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    fs::write(root.join("a.py"), GOOD).unwrap();
    let w = Watch::start(&root, &[]);
    let start = Watch::until(&w.err, "initial scan");
    let hours = local_hours();
    assert!(
        hours.iter().any(|h| start[0].starts_with(h.as_str())),
        "local time: {start:?} vs {hours:?}"
    );
    Watch::until(&w.err, "watching");
    std::thread::sleep(Duration::from_millis(300));

    fs::write(root.join("a.py"), BAD).unwrap();
    let batch = Watch::until(&w.out, "  new       #1 RES007 a.py:2 `Session`");
    assert!(
        batch[0].contains("1 file(s) [a.py]: 1 new, 0 fixed, 0 regressed, 0 removed"),
        "{batch:?}"
    );

    fs::write(root.join(".auditbench.toml"), "selct = [\"RES\"]\n").unwrap();
    let batch = Watch::until(&w.out, "error: invalid configuration");
    assert!(batch.last().unwrap().contains("selct"), "{batch:?}");

    fs::write(root.join("b.py"), "def broken(:\n    pass\n").unwrap();
    let batch = Watch::until(&w.out, "warning: b.py:");
    assert!(batch.iter().any(|l| l.contains("[b.py]")), "{batch:?}");

    fs::remove_file(root.join("a.py")).unwrap();
    let batch = Watch::until(&w.out, "  removed   #1 RES007 a.py:2");
    assert!(batch.iter().any(|l| l.contains("1 removed")), "{batch:?}");
    w.stop();
}

#[test]
fn watch_without_a_database_shows_the_open_findings() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().canonicalize().unwrap();
    fs::write(root.join("a.py"), GOOD).unwrap();
    let w = Watch::start(&root, &["--no-db"]);
    let start = Watch::until(&w.err, "initial scan");
    assert!(
        start[0].contains("1 file(s), 0 open finding(s)"),
        "{start:?}"
    );
    Watch::until(&w.err, "watching");
    std::thread::sleep(Duration::from_millis(300));
    fs::write(root.join("a.py"), BAD).unwrap();
    let batch = Watch::until(&w.out, "  open      RES007 a.py:2");
    assert!(batch[0].contains("not recorded (--no-db)"), "{batch:?}");
    w.stop();
    assert!(!root.join(".auditbench").exists());
}
