//! The webhook dev loop: `webhooks verify|sign|register`, `push listen`, `push trigger`.
//! Secrets come from PUSH_WEBHOOK_SECRET or `--secret-file`, never from arguments.

use std::{io, path::Path, process::ExitCode};

use push_ureq::{RegisterWebhook, WebhookSecret, ops::Raw};
use serde_json::json;

use crate::{
    Failure, Push,
    args::{Register, SecretSource, Sign, Trigger, TriggerEvent, Verify},
    output::Printer,
    print, terminal_safe, with_cause,
};

/// The variable a webhook secret is read from when no `--secret-file` is given.
const SECRET_VARIABLE: &str = "PUSH_WEBHOOK_SECRET";

/// The secret, from `--secret-file` (its first line) or PUSH_WEBHOOK_SECRET; `--secret` on
/// the command line is refused, nothing sent. A bad one is named `webhook_secret`.
fn secret(source: &SecretSource) -> Result<WebhookSecret, Failure> {
    WebhookSecret::new(secret_text(source)?).map_err(Failure::from)
}

/// The secret's text, unchecked.
fn secret_text(source: &SecretSource) -> Result<String, Failure> {
    if source.secret.is_some() {
        return Err(Failure::Usage(format!(
            "--secret is not accepted: other users of this machine can read a command's \
             arguments; set {SECRET_VARIABLE} or pass --secret-file FILE"
        )));
    }
    let text = match &source.secret_file {
        Some(path) => read_secret_file(path)?,
        None => std::env::var(SECRET_VARIABLE).map_err(|_| {
            Failure::Usage(format!(
                "the webhook secret is required: set {SECRET_VARIABLE} or pass --secret-file FILE"
            ))
        })?,
    };
    Ok(text)
}

/// The first line of `path`, without its line ending (the rest of the file is ignored).
fn read_secret_file(path: &Path) -> Result<String, Failure> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        Failure::Usage(format!(
            "--secret-file {}: {err}",
            terminal_safe(&path.display().to_string())
        ))
    })?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

/// Standard input, refusing more than `cap` bytes (one byte past the cap is enough to know).
fn read_stdin(cap: usize) -> Result<Vec<u8>, Failure> {
    let cap = u64::try_from(cap).unwrap_or(u64::MAX);
    let mut body = Vec::new();
    io::Read::read_to_end(
        &mut io::Read::take(io::stdin().lock(), cap.saturating_add(1)),
        &mut body,
    )?;
    Ok(body)
}

/// `push webhooks verify`: exit 0 and the event as JSON, or exit 1 saying why it was refused.
pub(crate) fn verify(args: &Verify) -> Result<ExitCode, Failure> {
    let verifier =
        push_ureq::WebhookVerifier::new(secret(&args.secret)?).with_tolerance(args.tolerance);
    let body = read_stdin(verifier.max_body_bytes())?;
    let mut headers = push_ureq::http::HeaderMap::new();
    let signature = push_ureq::http::HeaderValue::from_str(&args.signature)
        .map_err(|_| Failure::Usage("--signature must be visible ASCII".to_owned()))?;
    headers.insert(push_ureq::webhook::SIGNATURE_HEADER, signature);
    match verifier.verify_and_parse(&headers, &body, chrono::Utc::now()) {
        Ok(event) => {
            Printer::stdout().json(&event.to_json())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!(
                "push: webhook refused: {}",
                terminal_safe(&with_cause(&err))
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// `push webhooks sign`: the signature of the body on stdin, as Push sends it.
pub(crate) fn sign(args: &Sign) -> Result<ExitCode, Failure> {
    let secret = secret(&args.secret)?;
    let limit = push_ureq::webhook::DEFAULT_MAX_BODY_BYTES;
    let body = read_stdin(limit)?;
    if body.len() > limit {
        return Err(Failure::Usage(format!(
            "the body on stdin is larger than {limit} bytes, more than a webhook verifier reads"
        )));
    }
    let mut out = io::stdout().lock();
    io::Write::write_all(
        &mut out,
        format!("{}\n", push_ureq::webhook::sign(&secret, &body)).as_bytes(),
    )?;
    io::Write::flush(&mut out)?;
    Ok(ExitCode::SUCCESS)
}

/// `push webhooks register`.
pub(crate) fn register(client: &Push, args: &Register) -> Result<ExitCode, Failure> {
    // Named `secret`, the field of this request.
    let secret = RegisterWebhook::secret(secret_text(&args.secret)?)?;
    let request = RegisterWebhook::new(&args.url, secret)?;
    let url = request.url().to_owned();
    client.register_webhook(request)?;
    print(&json!({ "url": url }))
}

/// `push trigger`: the emulator makes an intent end that way and sends its event.
pub(crate) fn trigger(client: &Push, args: &Trigger) -> Result<ExitCode, Failure> {
    let event = match args.event {
        TriggerEvent::IntentApproved => "intent.approved",
        TriggerEvent::IntentDeclined => "intent.declined",
    };
    if let Some(tag) = &args.tag
        && tag.chars().count() > 255
    {
        return Err(Failure::Usage(
            "--tag must be at most 255 characters".to_owned(),
        ));
    }
    let request =
        Raw::post("/_emulator/trigger")?.json(&json!({ "type": event, "tag": args.tag }))?;
    let answer = client.send(request)?;
    if answer["webhooks"].as_u64() == Some(0) {
        eprintln!(
            "push: no webhook endpoint is registered with the emulator, so the event went \
             nowhere: start `push listen --forward-to URL` first"
        );
    }
    print(&answer)
}

/// `push listen`: forwards until interrupted (130) or `--count` deliveries (0).
#[cfg(feature = "mock")]
pub(crate) fn listen(client: &Push, args: &crate::args::Listen) -> Result<ExitCode, Failure> {
    use crate::args::ListenFormat;
    use std::time::Duration;

    let secret = secret(&args.secret)?;
    let base = client.config().base_url().to_owned();
    let loopback = push_ureq::http::Uri::try_from(base.as_str())
        .ok()
        .and_then(|uri| uri.host().map(str::to_owned))
        .is_some_and(|host| {
            host == "localhost"
                || host
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
    if !args.no_register && !loopback {
        return Err(Failure::Usage(format!(
            "push listen registers a 127.0.0.1 address, which only the emulator can reach, and \
             registering replaces your endpoint at {base}: run `push mock` and point \
             PUSH_BASE_URL at it, or pass --no-register and relay your registered endpoint's \
             webhooks to --port"
        )));
    }
    let forwarder =
        push_mock::WebhookForwarder::start(&args.forward_to, Some(secret.clone()), args.port)
            .map_err(|err| match err.kind() {
                io::ErrorKind::InvalidInput => Failure::Usage(format!("--forward-to: {err}")),
                _ => Failure::Usage(format!(
                    "could not listen on 127.0.0.1:{}: {err}",
                    args.port
                )),
            })?;
    if !args.no_register {
        client.register_webhook(RegisterWebhook::new(&forwarder.url(), secret)?)?;
    }
    eprintln!(
        "push: ready: webhooks to {} are forwarded to {}{}; ctrl-C to stop",
        forwarder.url(),
        terminal_safe(&args.forward_to),
        if args.no_register {
            String::new()
        } else {
            format!(" (registered with {base})")
        }
    );
    let mut printer = Printer::stdout();
    let mut delivered = 0u64;
    while args.count.is_none_or(|count| delivered < count) {
        let Some(event) = forwarder.next_timeout(Duration::from_millis(200)) else {
            continue;
        };
        delivered += 1;
        match args.format {
            ListenFormat::Json => printer.json(&json!({
                "type": event.event_type,
                "intent_id": event.intent_id,
                "tag": event.tag,
                "status": event.status,
                "error": event.error,
                "forwarded_to": args.forward_to,
            }))?,
            ListenFormat::Text => {
                let outcome = match (event.status, &event.error) {
                    (Some(status), _) => format!("{status} {}", args.forward_to),
                    (None, Some(error)) => error.clone(),
                    (None, None) => "not forwarded".to_owned(),
                };
                let line = format!(
                    "{} {}{} -> {outcome}",
                    event.event_type.as_deref().unwrap_or("(not an event)"),
                    event.intent_id.as_deref().unwrap_or("-"),
                    event
                        .tag
                        .as_deref()
                        .map(|tag| format!(" tag={tag}"))
                        .unwrap_or_default(),
                );
                printer.line(&terminal_safe(&line))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
