//! The PostgreSQL journal passes the conformance suite against a real PostgreSQL 15 server that
//! this test starts itself (initdb into a temporary directory, a loopback port) and stops.
//! PostgreSQL refuses to run as root: as root (CI), the server runs as `nobody`, which owns the
//! data directory. Without the server binaries the test fails, naming the package.

mod pg;

use pg::Server;
use push_journal::{Journal, PostgresJournal, conformance};

#[test]
fn passes_the_conformance_suite_and_one_claim_wins_across_connections() {
    let server = Server::start();
    let journal = PostgresJournal::connect(&server.url()).unwrap();
    conformance::run(&journal);
    // Eight workers, each with its own connection, claim the same 100 references at once.
    let url = server.url();
    conformance::concurrent_claims(
        || Box::new(PostgresJournal::connect(&url).unwrap()) as Box<dyn Journal>,
        8,
        100,
    );
    // A journal the client cannot reach is an error up front.
    let refused = PostgresJournal::connect("host=127.0.0.1 port=1 user=postgres connect_timeout=2");
    assert!(refused.is_err());
    drop(journal);
    drop(server);
}
