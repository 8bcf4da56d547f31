//! Runs the simulation over many seeds (`PUSH_SIM_SEEDS`, default 2,000 here; `.ci/run` runs
//! 10,000 in release), or one (`PUSH_SIM_SEED`). A failing seed prints the one line that
//! replays it. Bounded: each seed is a fixed number of steps, each call a bounded number of
//! attempts, on simulated time.

use std::panic::{AssertUnwindSafe, catch_unwind};

fn replay(seed: u64) -> String {
    format!("PUSH_SIM_SEED={seed} cargo test -p push-sim --test seeds")
}

#[test]
fn seeds_keep_every_invariant() {
    let seeds: Vec<u64> = match std::env::var("PUSH_SIM_SEED") {
        Ok(seed) => vec![seed.trim().parse().expect("PUSH_SIM_SEED is a number")],
        Err(_) => {
            let count: u64 = std::env::var("PUSH_SIM_SEEDS")
                .ok()
                .and_then(|count| count.trim().parse().ok())
                .unwrap_or(2_000);
            let first: u64 = std::env::var("PUSH_SIM_FIRST_SEED")
                .ok()
                .and_then(|first| first.trim().parse().ok())
                .unwrap_or(0);
            (first..first + count).collect()
        }
    };
    let started = std::time::Instant::now();
    // Seeds are independent: one share per core, each share in seed order.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let shares: Vec<Vec<u64>> = (0..threads)
        .map(|t| seeds.iter().copied().skip(t).step_by(threads).collect())
        .collect();
    let results: Vec<Result<(usize, usize, usize), String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .iter()
            .map(|share| scope.spawn(move || run_share(share)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|_| Err("a worker died".to_owned()))
            })
            .collect()
    });
    let (mut exchanges, mut asynchronous, mut limited) = (0, 0, 0);
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok((e, a, l)) => {
                exchanges += e;
                asynchronous += a;
                limited += l;
            }
            Err(failure) => failures.push(failure),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let took = started.elapsed();
    println!(
        "{} seeds ({asynchronous} async, {limited} rate-limited), {exchanges} requests, in {:.1} s on {threads} threads: {:.0} seeds/s",
        seeds.len(),
        took.as_secs_f64(),
        seeds.len() as f64 / took.as_secs_f64().max(1e-9)
    );
}

/// Runs `share` in order; the first failing seed ends it, with the line that replays it.
fn run_share(share: &[u64]) -> Result<(usize, usize, usize), String> {
    let (mut exchanges, mut asynchronous, mut limited) = (0, 0, 0);
    for &seed in share {
        match catch_unwind(AssertUnwindSafe(|| push_sim::run(seed))) {
            Ok(Ok(report)) => {
                exchanges += report.exchanges;
                asynchronous += usize::from(report.async_driver);
                limited += usize::from(report.limited);
            }
            Ok(Err(violation)) => {
                return Err(format!(
                    "seed {seed}, step {}: {}\nreplay: {}",
                    violation.step,
                    violation.what,
                    replay(seed)
                ));
            }
            Err(_) => {
                return Err(format!(
                    "seed {seed} panicked (above)\nreplay: {}",
                    replay(seed)
                ));
            }
        }
    }
    Ok((exchanges, asynchronous, limited))
}
