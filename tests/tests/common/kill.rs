//! Chaos tests' child processes: a test binary re-runs itself as the
//! client (one named test, inert unless its environment variable is set),
//! is killed with SIGKILL at random points and started again, so the
//! parent process runs only the portal.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How to start the client: this binary's private copy, the test to run,
/// and the variables that say what to do.
#[derive(Clone)]
pub struct Child {
    pub exe: PathBuf,
    /// The test function that acts as the client.
    pub test: &'static str,
    /// The variable naming the mode (set only in children).
    pub mode_var: &'static str,
    pub dir: PathBuf,
    pub base: String,
}

impl Child {
    /// A private copy of the running test binary in `work`, so a rebuild
    /// cannot pull it away.
    pub fn new(
        work: &Path,
        test: &'static str,
        mode_var: &'static str,
        dir: PathBuf,
        base: String,
    ) -> Child {
        let exe = work.join(format!("{test}-child"));
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        Child {
            exe,
            test,
            mode_var,
            dir,
            base,
        }
    }

    pub fn command(&self, mode: &str) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args(["--exact", self.test, "--nocapture", "--test-threads=1"])
            .env(self.mode_var, mode)
            .env("HOSO_CHAOS_DIR", &self.dir)
            .env("HOSO_CHAOS_PORTAL", &self.base)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        cmd
    }

    /// Runs `mode` to the end, off the async workers; its standard output.
    pub async fn run(&self, mode: &str, timeout: Duration) -> String {
        let cmd = self.command(mode);
        tokio::task::spawn_blocking(move || run_to_end(cmd, timeout))
            .await
            .unwrap()
    }

    /// The chaos run itself: `seed`, then `sync` killed `kills` times
    /// (see [`Child::kill_repeatedly`]; every kill must land before the
    /// work is done), then `sync` started again and left alone to finish
    /// (`DONE`); the last run's output.
    pub async fn seed_kill_finish(
        &self,
        kills: usize,
        spread_ms: u64,
        default_seed: u64,
    ) -> String {
        let started = Instant::now();
        let seeded = self.run("seed", Duration::from_secs(600)).await;
        assert!(seeded.contains("SEEDED"), "seeding failed: {seeded}");
        println!("seeded in {:?}", started.elapsed());
        let seed = seed(default_seed);
        println!("chaos seed {seed}");
        let (killed, finished) = self.kill_repeatedly(kills, spread_ms, seed).await;
        assert_eq!(
            killed, kills,
            "the client was killed {kills} times mid-work"
        );
        assert!(!finished, "the kills all landed before the work was done");
        println!("killed {kills} times by {:?}", started.elapsed());
        let last = self.run("sync", Duration::from_secs(600)).await;
        assert!(last.contains("DONE"), "the last run did not finish: {last}");
        println!("finished by {:?}", started.elapsed());
        last
    }

    /// Starts `sync` and kills it (SIGKILL) after a random 50 ms to
    /// `50 + spread_ms`, `kills` times or until a run prints `DONE`; how
    /// many kills landed, and whether a run finished.
    pub async fn kill_repeatedly(&self, kills: usize, spread_ms: u64, seed: u64) -> (usize, bool) {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut rng = Rng(seed);
            let mut killed = 0;
            let mut finished = false;
            while killed < kills && !finished {
                let mut process = this.command("sync").spawn().unwrap();
                let stdout = process.stdout.take().unwrap();
                let reader = std::thread::spawn(move || {
                    BufReader::new(stdout)
                        .lines()
                        .map_while(Result::ok)
                        .any(|l| l == "DONE")
                });
                let delay = Duration::from_millis(50 + rng.next() % spread_ms);
                std::thread::sleep(delay);
                if process.try_wait().unwrap().is_none() {
                    process.kill().unwrap(); // SIGKILL
                    killed += 1;
                }
                process.wait().unwrap();
                finished = reader.join().unwrap();
            }
            (killed, finished)
        })
        .await
        .unwrap()
    }
}

/// What a child process is told: its mode, the device directory, the
/// portal; with a runtime for its async calls.
pub struct ChildEnv {
    pub mode: String,
    pub dir: PathBuf,
    pub base: String,
    pub rt: tokio::runtime::Runtime,
}

/// In a child (`mode_var` set): its environment, the catalog installed
/// when seeding. `None` in the parent, where the child test does nothing.
pub fn child_env(mode_var: &str) -> Option<ChildEnv> {
    let mode = std::env::var(mode_var).ok()?;
    let dir = PathBuf::from(std::env::var("HOSO_CHAOS_DIR").unwrap());
    let base = std::env::var("HOSO_CHAOS_PORTAL").unwrap();
    // The test harness has printed "test … ... " without a newline.
    println!();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if mode == "seed" {
        hoso_core::catalog::store::CatalogStore::open(&dir)
            .unwrap()
            .install(super::bundle())
            .unwrap();
    }
    Some(ChildEnv {
        mode,
        dir,
        base,
        rt,
    })
}

/// Runs a child to the end; its standard output.
fn run_to_end(mut cmd: Command, timeout: Duration) -> String {
    let mut process = cmd.spawn().unwrap();
    let stdout = process.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines() {
            text.push_str(&line.unwrap());
            text.push('\n');
        }
        text
    });
    let started = Instant::now();
    loop {
        if process.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > timeout {
            process.kill().unwrap();
            panic!("child did not finish in {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// A small deterministic PRNG (xorshift), so a failing run can be replayed
/// from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The seed of this run's kills: `HOSO_CHAOS_SEED`, else `default`.
pub fn seed(default: u64) -> u64 {
    std::env::var("HOSO_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}
