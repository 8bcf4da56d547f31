//! The bytes Push receives are exactly the request the SDK built: 100,000 tokenize requests with
//! random card numbers and CVVs (CVVs cut from the number itself among them, the collisions
//! that once spliced a CVV into the number) go through push-ureq's real transport to a loopback
//! server that compares every body byte for byte, and the `Authorization` line with them.
//!
//! Bounded: two client threads of 50,000 calls each, on keep-alive connections; the run fails
//! (never hangs) if it has not finished in five minutes. `PUSH_EXACT_SEED` replays a run.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    sync::mpsc,
    time::{Duration, Instant},
};

use push_core::{ClientBuilder, TokenizeCard};

const TOKEN: &str = "sk_test_EXACTbytes4711";
const CALLS_PER_THREAD: usize = 50_000;
const THREADS: usize = 2;
const BOUND: Duration = Duration::from_secs(300);

/// A card number of `length` digits passing the Luhn check.
fn luhn_valid(rng: &mut fastrand::Rng, length: usize) -> String {
    let mut digits: Vec<u32> = (0..length - 1).map(|_| rng.u32(0..10)).collect();
    // The check digit makes the Luhn sum of all `length` digits a multiple of ten.
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                *d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

/// A CVV: random, or three or four digits cut from the number (the worst case for any search).
fn cvv(rng: &mut fastrand::Rng, pan: &str) -> String {
    let length = rng.usize(3..=4);
    if rng.bool() {
        let start = rng.usize(0..=pan.len() - length);
        pan[start..start + length].to_owned()
    } else {
        (0..length)
            .map(|_| char::from_digit(rng.u32(0..10), 10).unwrap())
            .collect()
    }
}

/// One keep-alive connection: every request's `Authorization` line and body go to `seen`.
fn serve(stream: TcpStream, seen: mpsc::Sender<(String, Vec<u8>)>) {
    stream.set_nodelay(true).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut authorization = String::new();
        let mut length = 0usize;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if first {
                first = false;
                continue;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if lower.starts_with("authorization:") {
                authorization = line.trim_end().to_owned();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        if seen.send((authorization, body)).is_err() {
            return;
        }
        let answer = br#"{"token":"token_exact"}"#;
        // One write: a head and a body in two would wait for a delayed ACK (Nagle).
        let mut whole = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        )
        .into_bytes();
        whole.extend_from_slice(answer);
        if writer.write_all(&whole).is_err() {
            return;
        }
    }
}

#[test]
fn every_body_arrives_exactly_as_built() {
    let seed: u64 = std::env::var("PUSH_EXACT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("PUSH_EXACT_SEED={seed}");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let started = Instant::now();
    std::thread::scope(|scope| {
        let mut workers = Vec::new();
        for thread in 0..THREADS {
            let (seen_tx, seen) = mpsc::channel();
            let base = base.clone();
            workers.push(scope.spawn(move || {
                let client: push_ureq::Client = ClientBuilder::new()
                    .token(TOKEN)
                    .base_url(&base)
                    .tokens_base_url(&base)
                    .max_retries(0)
                    .build()
                    .unwrap();
                let config = client.config().clone();
                let mut rng = fastrand::Rng::with_seed(seed.wrapping_add(thread as u64));
                for call in 0..CALLS_PER_THREAD {
                    assert!(
                        started.elapsed() < BOUND,
                        "not done after {BOUND:?} (call {call} of thread {thread})"
                    );
                    let length = rng.usize(12..=19);
                    let pan = luhn_valid(&mut rng, length);
                    let cvv = cvv(&mut rng, &pan);
                    let card = TokenizeCard::builder()
                        .user_id("user_exact")
                        .pan(pan.as_str())
                        .cvv(cvv.as_str())
                        .exp_month("12")
                        .exp_year("30")
                        .build()
                        .unwrap();
                    let built = push_core::ops::Operation::encode(&card, &config).unwrap();
                    client.tokenize_card(card).unwrap();
                    let (authorization, body) = seen
                        .recv_timeout(Duration::from_secs(10))
                        .expect("the server saw the request");
                    assert_eq!(
                        body,
                        built.body().as_ref(),
                        "thread {thread} call {call}: the body changed on the way \
                         (PUSH_EXACT_SEED={seed} cargo test -p push-ureq --test exact_bytes)"
                    );
                    assert_eq!(
                        authorization,
                        format!("authorization: Bearer {TOKEN}"),
                        "PUSH_EXACT_SEED={seed}"
                    );
                }
            }));
            let (stream, _) = listener.accept().unwrap();
            scope.spawn(move || serve(stream, seen_tx));
        }
        for worker in workers {
            worker.join().unwrap();
        }
    });
}
