//! Seeds of the simulation (`crates/push-sim`) per second: one seed is a whole run (a drawn
//! configuration, 24 operations through a faulty network, every invariant after each step).

#![allow(missing_docs)] // criterion_group! generates undocumented items.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn seeds(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulation");
    group.throughput(Throughput::Elements(1));
    group.sample_size(30);
    let mut seed = 0u64;
    group.bench_function("one seed", |b| {
        b.iter(|| {
            seed = seed.wrapping_add(1);
            push_sim::run(seed).expect("every invariant holds")
        })
    });
    group.finish();
}

criterion_group!(benches, seeds);
criterion_main!(benches);
