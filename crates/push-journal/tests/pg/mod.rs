//! A PostgreSQL 15 server for tests: initdb into a temporary directory, a loopback port,
//! stopped on drop. PostgreSQL refuses to run as root: as root (CI), the server runs as
//! `nobody`, which owns the data directory. Without the server binaries the test fails, naming
//! the package. Shared by push-journal's and the clients' tests (`#[path]`).

#![allow(dead_code)] // Each test file uses a different subset.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// Where Debian puts PostgreSQL 15's server binaries (`PUSH_PG_BIN` to override).
const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A PostgreSQL server in a temporary directory, stopped on drop.
pub(crate) struct Server {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_nobody: bool,
    _dir: tempfile::TempDir,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

impl Server {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_nobody {
            let mut command = Command::new("runuser");
            command.args(["-u", "nobody", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    pub(crate) fn start() -> Server {
        let bin =
            PathBuf::from(std::env::var("PUSH_PG_BIN").unwrap_or_else(|_| DEFAULT_BIN.into()));
        assert!(
            bin.join("initdb").exists() && bin.join("pg_ctl").exists(),
            "push-journal's PostgreSQL tests need the PostgreSQL 15 server binaries in {} \
             (Debian: `apt-get install postgresql-15`; or set PUSH_PG_BIN)",
            bin.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let as_nobody = is_root();
        if as_nobody {
            let status = Command::new("chown")
                .args(["-R", "nobody"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown of the data directory to nobody");
        }
        // A free loopback port: bound, read and released (the server binds it next).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Server {
            bin,
            data,
            port,
            as_nobody,
            _dir: dir,
        };
        let initdb = server
            .command("initdb")
            .arg("-D")
            .arg(&server.data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .output()
            .unwrap();
        assert!(
            initdb.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let socket_dir = server._dir.path().to_owned();
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {}",
            server.port,
            socket_dir.display()
        );
        let log = socket_dir.join("server.log");
        let started = server
            .command("pg_ctl")
            .arg("-D")
            .arg(&server.data)
            .args(["-o", &options, "-l"])
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .output()
            .unwrap();
        if !started.status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            server.as_nobody = false; // nothing to stop
            panic!(
                "pg_ctl start: {}{log}",
                String::from_utf8_lossy(&started.stderr)
            );
        }
        server
    }

    pub(crate) fn url(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            self.port
        )
    }

    /// The same database as a `postgres://` URL (what `PUSH_JOURNAL` and `--journal` take).
    pub(crate) fn uri(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> &Path {
        &self.data
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}
