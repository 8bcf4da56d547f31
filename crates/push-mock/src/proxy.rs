//! A recording `CONNECT` proxy on loopback, for proving what a proxy gets to see.
//!
//! It answers `CONNECT host:port` by connecting to that address (loopback only) and piping
//! bytes both ways, and records every byte the client sent it: the `CONNECT` head and, inside
//! the tunnel, whatever the client wrote (TLS records, for HTTPS). Any other request (an
//! absolute-form `GET http://...`, which would carry the token in the clear) is recorded and
//! refused with 400. Plain `std`, a thread per connection, every wait bounded.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    thread,
    time::Duration,
};

const IDLE: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Seen {
    bytes: Mutex<Vec<u8>>,
    connections: AtomicUsize,
    stopping: AtomicBool,
}

/// The proxy. Dropping it stops accepting connections.
pub struct ConnectProxy {
    addr: SocketAddr,
    seen: Arc<Seen>,
}

impl std::fmt::Debug for ConnectProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectProxy")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ConnectProxy {
    /// Starts on an ephemeral loopback port.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Seen::default());
        let accept = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accept.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                accept.connections.fetch_add(1, Ordering::SeqCst);
                let seen = Arc::clone(&accept);
                thread::spawn(move || tunnel(stream, &seen));
            }
        });
        Ok(Self { addr, seen })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every byte clients sent, in arrival order.
    pub fn seen(&self) -> Vec<u8> {
        self.seen
            .bytes
            .lock()
            .map(|b| b.clone())
            .unwrap_or_default()
    }

    /// Connections accepted.
    pub fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.seen.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn record(seen: &Seen, bytes: &[u8]) {
    if let Ok(mut all) = seen.bytes.lock() {
        all.extend_from_slice(bytes);
    }
}

fn tunnel(client: TcpStream, seen: &Seen) {
    let _ = client.set_read_timeout(Some(IDLE));
    let Ok(mut to_client) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(client);
    let mut head = Vec::new();
    // The head, line by line, up to the blank line (bounded).
    for _ in 0..100 {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => head.extend_from_slice(&line),
        }
        if line == b"\r\n" || line == b"\n" {
            break;
        }
    }
    record(seen, &head);
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut words = text.split_whitespace();
    let target = match (words.next(), words.next()) {
        (Some("CONNECT"), Some(target)) => target.to_owned(),
        _ => {
            let _ = to_client.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
            return;
        }
    };
    let upstream = target
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.find(|a| a.ip().is_loopback()))
        .and_then(|addr| TcpStream::connect_timeout(&addr, IDLE).ok());
    let Some(upstream) = upstream else {
        let _ = to_client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    if to_client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let _ = upstream.set_read_timeout(Some(IDLE));
    let (Ok(mut to_upstream), Ok(mut from_upstream)) = (upstream.try_clone(), upstream.try_clone())
    else {
        return;
    };
    // Upstream to client on its own thread; client to upstream (recorded) here.
    let back = thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n @ 1..) = from_upstream.read(&mut buffer) {
            if to_client.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to_client.shutdown(Shutdown::Both);
    });
    let buffered = reader.buffer().to_vec();
    record(seen, &buffered);
    let _ = to_upstream.write_all(&buffered);
    let mut client = reader.into_inner();
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(n @ 1..) = client.read(&mut buffer) {
        record(seen, &buffer[..n]);
        if to_upstream.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = upstream.shutdown(Shutdown::Both);
    let _ = back.join();
}
