//! Decoding list pages of 1, 100 and 1,000 intents: the SDK's lenient path, next to
//! `serde_json::Value` and a strict serde-derive baseline, with `Throughput::Bytes`.

#![allow(missing_docs)] // criterion_group! generates undocumented items.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use push_benches::{list_page, strict};
use push_core::IntentPage;

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_list_page");
    for n in [1usize, 100, 1_000] {
        let body = Bytes::from(list_page(n));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("push_core", n), &body, |b, body| {
            b.iter(|| IntentPage::from_json(black_box(body.clone())).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("strict_serde", n), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<strict::Page>(black_box(body)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("strict_simd_json", n), &body, |b, body| {
            b.iter(|| {
                simd_json::serde::from_slice::<strict::Page>(&mut black_box(body).to_vec()).unwrap()
            })
        });
        group.bench_with_input(BenchmarkId::new("serde_json_value", n), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
