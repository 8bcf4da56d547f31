//! A scripted HTTP/1.1 server on loopback: each request gets the next [`Action`] of a script.
//!
//! It records every request byte for byte, so tests can assert exactly what went on the wire,
//! and it can misbehave on cue: close after reading a request (it took effect, no answer),
//! stall in the middle of a body, send more than a client's cap. Plain `std`, one thread per
//! connection, every wait bounded.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Read, Write},
    net::{Shutdown, SocketAddr, TcpListener, TcpStream},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::Duration,
};

/// The longest any connection waits for a request before giving up.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests larger than this are refused.
const MAX_REQUEST: usize = 1 << 20;

/// A canned response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, in order; `content-length` is added unless present.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// No `content-length`: the body ends when the server closes the connection.
    pub close_delimited: bool,
}

impl Reply {
    /// A reply with no headers and no body.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            close_delimited: false,
        }
    }

    /// Sends no `content-length` and closes after the body, so a client only learns the size
    /// by reading it.
    pub fn close_delimited(mut self) -> Self {
        self.close_delimited = true;
        self.headers
            .push(("connection".to_owned(), "close".to_owned()));
        self
    }

    /// A JSON reply.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::new(status)
            .header("content-type", "application/json")
            .body(body.into())
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    fn head(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.close_delimited
            && !self
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            head.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// What the server does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer with this reply; the connection stays open for the next request.
    Respond(Reply),
    /// Read the whole request (it "took effect"), then close without answering.
    CloseAfterRead,
    /// Send the head and the first `sent` bytes of the body, then hold the connection open for
    /// `hold` without sending more.
    StallBody {
        /// The reply whose body is cut short.
        reply: Reply,
        /// How many body bytes are sent.
        sent: usize,
        /// How long to hold.
        hold: Duration,
    },
    /// Send the head a byte at a time spread over `head_over`, then the body a byte at a time
    /// spread over `body_over`: each phase in time, the whole late.
    Trickle {
        /// The reply.
        reply: Reply,
        /// How long the head takes.
        head_over: Duration,
        /// How long the body takes.
        body_over: Duration,
    },
}

/// One request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The method.
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// The headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The query string, if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

struct Shared {
    script: Mutex<VecDeque<Action>>,
    recorded: Mutex<Vec<Recorded>>,
    stopping: AtomicBool,
}

/// The server. Dropping it stops accepting connections.
pub struct ScriptedServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

/// The address and how much of the script is left; never the recorded bytes (they may hold a
/// token).
impl std::fmt::Debug for ScriptedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let left = self.shared.script.lock().map_or(0, |script| script.len());
        f.debug_struct("ScriptedServer")
            .field("addr", &self.addr)
            .field("actions_left", &left)
            .finish_non_exhaustive()
    }
}

impl ScriptedServer {
    /// Starts on an ephemeral loopback port. When the script runs out, requests get 500.
    pub fn start(script: impl IntoIterator<Item = Action>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            script: Mutex::new(script.into_iter().collect()),
            recorded: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
        });
        let accept_shared = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = Arc::clone(&accept_shared);
                thread::spawn(move || serve(stream, &shared));
            }
        });
        Ok(Self { addr, shared })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .recorded
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// Appends actions to the script.
    pub fn push(&self, actions: impl IntoIterator<Item = Action>) {
        if let Ok(mut script) = self.shared.script.lock() {
            script.extend(actions);
        }
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    // One connection serves requests until it is closed or an action closes it.
    for _ in 0..10_000 {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if let Ok(mut recorded) = shared.recorded.lock() {
            recorded.push(request);
        }
        let action = shared.script.lock().ok().and_then(|mut s| s.pop_front());
        let action = action.unwrap_or(Action::Respond(Reply::json(
            500,
            r#"{"message":"script exhausted"}"#,
        )));
        match action {
            Action::Respond(reply) => {
                let mut bytes = reply.head();
                bytes.extend_from_slice(&reply.body);
                let closes = close
                    || reply
                        .headers
                        .iter()
                        .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v == "close");
                if writer
                    .write_all(&bytes)
                    .and_then(|_| writer.flush())
                    .is_err()
                    || closes
                {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
            }
            Action::CloseAfterRead => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Action::Trickle {
                reply,
                head_over,
                body_over,
            } => {
                for (bytes, over) in [(reply.head(), head_over), (reply.body.clone(), body_over)] {
                    let pause = over / u32::try_from(bytes.len().max(1)).unwrap_or(u32::MAX);
                    for byte in bytes {
                        if writer
                            .write_all(&[byte])
                            .and_then(|_| writer.flush())
                            .is_err()
                        {
                            return;
                        }
                        thread::sleep(pause);
                    }
                }
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Action::StallBody { reply, sent, hold } => {
                let mut bytes = reply.head();
                bytes.extend_from_slice(&reply.body[..sent.min(reply.body.len())]);
                let _ = writer.write_all(&bytes).and_then(|_| writer.flush());
                thread::sleep(hold);
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    let mut total = line.len();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        total += line.len();
        if total > MAX_REQUEST {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_REQUEST {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(addr: SocketAddr, raw: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        out
    }

    #[test]
    fn records_requests_and_plays_the_script() {
        let server = ScriptedServer::start([
            Action::Respond(Reply::json(200, "{}").header("connection", "close")),
            Action::CloseAfterRead,
        ])
        .unwrap();
        let out = exchange(
            server.addr(),
            "POST /intent?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
        );
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
        assert!(out.ends_with("\r\n\r\n{}"), "{out}");
        let out = exchange(server.addr(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assert_eq!(out, "");
        let out = exchange(
            server.addr(),
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        );
        assert!(out.contains("script exhausted"));
        let requests = server.requests();
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[0].method, "POST");
        assert_eq!(requests[0].path(), "/intent");
        assert_eq!(requests[0].query(), Some("x=1"));
        assert_eq!(requests[0].header("content-length"), Some("2"));
        assert_eq!(requests[0].body, b"hi");
    }
}
