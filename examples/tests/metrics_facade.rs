//! The `metrics` feature: attempts, retries and latency by route reach whatever recorder the
//! program installed (here a small one that keeps counters in a map).

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use metrics::{
    Counter, CounterFn, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use push_mock::{Emulator, EmulatorConfig, Fault};
use push_ureq::{CreateIntent, Currency, Direction, http::Method};

#[derive(Default, Clone)]
struct Kept {
    counters: Arc<Mutex<BTreeMap<String, Arc<AtomicU64>>>>,
    histograms: Arc<Mutex<BTreeMap<String, Arc<Samples>>>>,
}

#[derive(Default)]
struct Samples(Mutex<Vec<f64>>);

struct Count(Arc<AtomicU64>);

impl CounterFn for Count {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.0.store(value, Ordering::Relaxed);
    }
}

impl HistogramFn for Samples {
    fn record(&self, value: f64) {
        self.0.lock().unwrap().push(value);
    }
}

/// `name{label=value,...}`, labels sorted.
fn describe(key: &Key) -> String {
    let mut labels: Vec<String> = key
        .labels()
        .map(|label| format!("{}={}", label.key(), label.value()))
        .collect();
    labels.sort();
    format!("{}{{{}}}", key.name(), labels.join(","))
}

impl Recorder for Kept {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let cell = self
            .counters
            .lock()
            .unwrap()
            .entry(describe(key))
            .or_default()
            .clone();
        Counter::from_arc(Arc::new(Count(cell)))
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        let cell = self
            .histograms
            .lock()
            .unwrap()
            .entry(describe(key))
            .or_default()
            .clone();
        Histogram::from_arc(cell)
    }
}

#[test]
fn attempts_retries_and_latency_are_counted_by_route() {
    let kept = Kept::default();
    let emulator = Emulator::new(EmulatorConfig::default());
    emulator.fault_next(Method::POST, "/intent", Fault::Unavailable503);
    let client = emulator.client().unwrap();
    let created = metrics::with_local_recorder(&kept, || {
        let created = client
            .create_intent(
                CreateIntent::builder()
                    .user_id("user_28CJjV7P4Go5PNJvfzghiD")
                    .amount(1450)
                    .currency(Currency::Usd)
                    .direction(Direction::CashIn)
                    .build()
                    .unwrap(),
            )
            .unwrap();
        client.get_intent(created.id.clone()).unwrap();
        created
    });
    assert!(!created.id.as_str().is_empty());
    let counters: BTreeMap<String, u64> = kept
        .counters
        .lock()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.load(Ordering::Relaxed)))
        .collect();
    assert_eq!(
        counters,
        BTreeMap::from([
            (
                "push_attempts_total{method=GET,outcome=200,route=/intent/{id}}".to_owned(),
                1
            ),
            (
                "push_attempts_total{method=POST,outcome=200,route=/intent}".to_owned(),
                1
            ),
            (
                "push_attempts_total{method=POST,outcome=503,route=/intent}".to_owned(),
                1
            ),
            (
                "push_retries_total{method=POST,route=/intent}".to_owned(),
                1
            ),
        ])
    );
    let histograms = kept.histograms.lock().unwrap();
    let post = &histograms["push_attempt_duration_seconds{method=POST,route=/intent}"];
    assert_eq!(post.0.lock().unwrap().len(), 2, "one sample per attempt");
}
