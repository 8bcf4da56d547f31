//! What the write-ahead journal costs a `create_intent`: the blocking client against the
//! in-memory emulator, without a journal, with SQLite (WAL, `synchronous = FULL`: one fsync per
//! claim and one per outcome), and with PostgreSQL 15 on loopback (a server this bench starts
//! and stops; skipped, saying so, when its binaries are missing).

#![allow(missing_docs)] // criterion_group! generates undocumented items.

#[path = "../../crates/push-journal/tests/pg/mod.rs"]
mod pg;

use criterion::{Criterion, criterion_group, criterion_main};
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, MemoryTransport};
use push_ureq::{Client, ClientBuilder, Config, CreateIntent, Currency, Direction};

fn client(journal: Option<&str>, emulator: &Emulator) -> Client<MemoryTransport> {
    let mut builder = ClientBuilder::<Config>::new().token(DEFAULT_TOKEN);
    if let Some(journal) = journal {
        builder = builder.journal(journal);
    }
    let client = Client::with_transport(
        builder.build().expect("a config"),
        MemoryTransport::new(emulator.clone()),
    );
    client.check_journal().expect("the journal opens");
    client
}

fn intent() -> CreateIntent {
    CreateIntent::builder()
        .user_id("user_bench")
        .amount(1450)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()
        .expect("a valid intent")
}

fn journal_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("create_intent");
    group.sample_size(30);
    let emulator = Emulator::new(EmulatorConfig::default());

    let plain = client(None, &emulator);
    group.bench_function("no journal", |b| {
        b.iter(|| plain.create_intent(intent()).expect("created"))
    });

    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("journal.sqlite3");
    let sqlite = client(path.to_str(), &emulator);
    group.bench_function("journal: SQLite (WAL, synchronous=FULL)", |b| {
        b.iter(|| sqlite.create_intent(intent()).expect("created"))
    });

    let bin = std::env::var("PUSH_PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".into());
    if std::path::Path::new(&bin).join("initdb").exists() {
        let server = pg::Server::start();
        let postgres = client(Some(&server.uri()), &emulator);
        group.bench_function("journal: PostgreSQL 15 (loopback)", |b| {
            b.iter(|| postgres.create_intent(intent()).expect("created"))
        });
        drop(postgres);
        drop(server);
    } else {
        eprintln!("journal bench: no PostgreSQL server binaries in {bin}; PostgreSQL skipped");
    }
    group.finish();
}

criterion_group!(benches, journal_cost);
criterion_main!(benches);
