//! `push`: the Push Cash command line, on the blocking client (push-ureq).
//!
//! Exit codes: 0 success (an authorization approved or needing authentication included);
//! 1 API, transport, timeout or decode error whose outcome is known; 2 usage or validation error
//! (nothing was sent); 3 authorization or refund declined; 4 outcome unknown: the request may
//! have been acted on (the message says how to check, and which idempotency key to reuse); 5
//! reconciliation found a discrepancy; 130 interrupted. `webhooks verify` exits 1 when the webhook is refused. The card of
//! `push tokenize` is read from standard input, never from arguments.
//!
//! Features: `mock` (default) builds `push mock`, the emulator on loopback, and with it hyper and
//! tokio; `cargo install push-cli --no-default-features` is blocking through and through.
#![forbid(unsafe_code)]

mod args;
mod interrupt;
mod journal;
mod ledger;
mod output;
mod profile;
mod reconcile;
mod verbose;
mod webhooks;

use std::{
    io::{self, Write},
    process::ExitCode,
};

use clap::Parser;
use push_ureq::{
    Address, ApprovalMode, Authorize as AuthorizeOp, AuthorizeOutcome, Client, ClientBuilder,
    Config, CreateIntent, CreateUser as CreateUserOp, CreateUserCredential, CreateUserUrl,
    CredentialType, Currency, Direction, Environment, Error, GetIntent, GovernmentId,
    GovernmentIdType, IntentStatus, IntentType, LegalName, ListIntents, ListUserCredentials,
    ListUsers as ListUsersOp, SimulateCredential, SimulatedCredentialType, TokenizeCard,
    UreqTransport, UserStatus, UserUrlType, WebhookSecret, paging::ListOperation,
};

#[cfg(feature = "mock")]
use crate::args::Mock;
use crate::{
    args::{
        ApprovalModeArg, Authorize, Cli, Command, Create, Format, Intents, JournalCommand, Keys,
        List, Listing, Refunds, Sandbox, StatusArg, Tokenize, TypeArg, Users, Webhooks, wire,
    },
    output::{Printer, Row},
    verbose::Verbose,
};

/// The base URL the command's client was built with, for connection errors to name.
static BASE_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Why the command failed, and with which exit code.
#[derive(Debug)]
enum Failure {
    /// Usage or validation: nothing was sent (exit 2).
    Usage(String),
    /// The SDK's error (exit 2 for validation, 1 otherwise).
    Push(Error),
    /// Writing the output failed (exit 1; a closed pipe is not a failure).
    Output(io::Error),
    /// A write was answered, and its answer could not be printed (exit 4: the caller must not
    /// rerun blindly). `result` is the answer as JSON, with the key or tag to reuse.
    Unwritten { err: io::Error, result: String },
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Push(err)
    }
}

impl From<push_ureq::ValidationError> for Failure {
    fn from(err: push_ureq::ValidationError) -> Self {
        Failure::Push(err.into())
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Self {
        Failure::Output(err)
    }
}

/// The error, then what the parser said, for errors whose cause is a bad body. (Errors keep
/// their cause in `source()`, not in `Display`; transport causes stay out: their messages are
/// the HTTP library's.)
fn with_cause(err: &(dyn std::error::Error + 'static)) -> String {
    match err
        .source()
        .and_then(|source| source.downcast_ref::<serde_json::Error>())
    {
        Some(cause) => format!("{err} ({cause})"),
        None => err.to_string(),
    }
}

/// Exit code 4: the request may have been acted on, and its outcome is unknown.
const OUTCOME_UNKNOWN: u8 = 4;

impl Failure {
    fn report(
        self,
        command: &Command,
        journaled: bool,
        started: chrono::DateTime<chrono::Utc>,
    ) -> ExitCode {
        match self {
            Failure::Usage(message) => {
                eprintln!("push: {}", terminal_safe(&message));
                ExitCode::from(2)
            }
            Failure::Push(Error::Validation(err)) => {
                eprintln!(
                    "push: invalid {}: {} (nothing was sent)",
                    terminal_safe(err.field()),
                    terminal_safe(err.rule())
                );
                ExitCode::from(2)
            }
            Failure::Push(Error::Journal(err)) if err.refused => {
                eprintln!(
                    "push: {} (nothing was sent; use a new reference, or repeat the first \
                     request exactly)",
                    terminal_safe(&err.to_string())
                );
                ExitCode::from(2)
            }
            Failure::Push(err) if err.is_outcome_unknown() => {
                eprintln!("push: {}", terminal_safe(&with_cause(&err)));
                let key = err.idempotency_key().map(|key| key.as_str());
                eprintln!("push: {}", how_to_check(command, key, started));
                if journaled && journal::is_money(command) {
                    eprintln!(
                        "push: the journal holds it in doubt (push journal list --in-doubt): \
                         rerun the same command, or `push recover`, to resolve it without paying \
                         twice"
                    );
                }
                ExitCode::from(OUTCOME_UNKNOWN)
            }
            Failure::Push(err) => {
                let mut line = format!("push: {}", with_cause(&err));
                if let Error::Transport(transport) = &err
                    && transport.kind() == push_ureq::transport::TransportErrorKind::Connect
                    && let Some(url) = BASE_URL.get()
                {
                    line.push_str(&format!(
                        "; is {url} the right base URL (--base-url, PUSH_BASE_URL, --profile)?"
                    ));
                }
                if let Some(key) = err.idempotency_key() {
                    line.push_str(&format!(" (idempotency key {key}: run again with --idempotency-key {key} to retry safely)"));
                }
                eprintln!("{}", terminal_safe(&line));
                ExitCode::from(1)
            }
            Failure::Output(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Failure::Output(err) => {
                eprintln!("push: could not write the output: {err}");
                ExitCode::from(1)
            }
            Failure::Unwritten { err, result } => {
                eprintln!(
                    "push: the request was answered, but the answer could not be written to \
                     standard output ({err}); do not rerun blindly. The answer: {result}"
                );
                ExitCode::from(OUTCOME_UNKNOWN)
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = chrono::Utc::now();
    #[cfg(feature = "mock")]
    let serves = matches!(cli.command, Command::Mock(_));
    #[cfg(not(feature = "mock"))]
    let serves = false;
    if !serves {
        interrupt::install();
    }
    match run(&cli) {
        Ok(code) => code,
        Err(failure) => failure.report(&cli.command, !cli.no_journal, started),
    }
}

/// How far back a suggested `--created-after` starts before this command did: this machine's
/// clock may be ahead of Push's, and a search from the local start time would miss the intent.
const CLOCK_MARGIN_MINUTES: i64 = 5;

/// What to do when a write's outcome is unknown: how to find out, and what is safe to rerun.
/// `key` is the idempotency key the write carried.
fn how_to_check(
    command: &Command,
    key: Option<&str>,
    started: chrono::DateTime<chrono::Utc>,
) -> String {
    let since = (started - chrono::Duration::minutes(CLOCK_MARGIN_MINUTES))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let margin = format!(
        "{CLOCK_MARGIN_MINUTES} minutes before this command started, in case this machine's clock is ahead of Push's"
    );
    match command {
        Command::Intents(Intents::Create(_)) => match key {
            Some(key) => format!(
                "the intent may have been created. Rerun with --idempotency-key {key}: Push answers \
                 with the same intent and never creates a second one (or look for it with \
                 `push intents list --created-after {since}`, {margin})"
            ),
            None => format!(
                "the intent may have been created: look for it with `push intents list --created-after {since}` ({margin})"
            ),
        },
        Command::Authorize(args) => {
            let tag = args
                .tag
                .as_deref()
                .map(|tag| format!(" carrying tag {}", terminal_safe(tag)))
                .unwrap_or_default();
            format!(
                "the payment may have gone through. Do not rerun this command blindly: first look \
                 for an intent{tag} with `push intents list --created-after {since}` ({margin}), \
                 or at your webhook endpoint"
            )
        }
        Command::Intents(Intents::Approve { id } | Intents::Cancel { id }) => format!(
            "the change may have been made: check with `push intents get {}`",
            terminal_safe(id)
        ),
        Command::Users(Users::Create(args)) => match &args.tag {
            Some(tag) => format!(
                "the user may have been created. Rerun with the same --tag {}: Push answers with the same user and never creates a second one",
                terminal_safe(tag)
            ),
            None => format!(
                "the user may have been created: look for it with `push users list --created-after {since}` ({margin}) before rerunning (next time, set --tag to make reruns safe)"
            ),
        },
        Command::Users(Users::AddCredential { user_id, .. }) => format!(
            "the card may have been stored: check with `push users credentials {}` (a token backs one credential)",
            terminal_safe(user_id)
        ),
        Command::Tokenize(_) => "the card may have been tokenized: the token, if any, was not received and expires unused. Run `push tokenize` again for a new token; no payment was made"
            .to_owned(),
        Command::Sandbox(Sandbox::Credential { user_id, .. }) => format!(
            "the credential may have been created: check with `push users credentials {}`",
            terminal_safe(user_id)
        ),
        Command::Refunds(Refunds::Create { intent_id, .. }) => format!(
            "the refund may have been made: check the intent's refund with `push intents get {}`. \
             Rerunning is safe: Push makes one refund per intent and answers a repeat with it",
            terminal_safe(intent_id)
        ),
        Command::Webhooks(Webhooks::Register(_)) => "the registration may have been stored: \
             rerunning is safe (a registration replaces the previous one)"
            .to_owned(),
        _ => format!("the request may have been acted on: check before rerunning (since {since})"),
    }
}

/// Server text (messages, ids) shown on a terminal: control characters (escape sequences,
/// carriage returns, C1 controls) and Unicode bidi controls (which reorder what a reader sees)
/// are escaped, so a response cannot rewrite the screen or disguise an id.
pub(crate) fn terminal_safe(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_bidi_control(c) {
            safe.extend(c.escape_default());
        } else {
            safe.push(c);
        }
    }
    safe
}

/// U+202A-U+202E (embeddings and overrides), U+2066-U+2069 (isolates), and the marks
/// U+200E/U+200F and U+061C: invisible, and they reorder the text around them.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Prints the answer of a write that may have moved money. When standard output cannot take
/// it (a full disk, a closed pipe), the answer goes to standard error and the exit is 4: a
/// script that reruns on failure would pay again.
pub(crate) fn deliver(value: &impl serde::Serialize) -> Result<(), Failure> {
    Printer::stdout()
        .json(value)
        .map_err(|err| Failure::Unwritten {
            err,
            result: output::json_line(value),
        })
}

/// Announces a write before its first byte leaves (on stderr, so that a kill -9 still leaves
/// the key or tag on the terminal or in the log), and arms the interrupt handler with the
/// hint to print if the command is stopped before the answer is printed.
pub(crate) fn announce(
    command: &Command,
    key: Option<&str>,
    note: Option<String>,
) -> interrupt::Guard {
    if let Some(note) = note {
        eprintln!("push: {}", terminal_safe(&note));
    }
    interrupt::writing(how_to_check(command, key, chrono::Utc::now()))
}

fn run(cli: &Cli) -> Result<ExitCode, Failure> {
    match &cli.command {
        #[cfg(feature = "mock")]
        Command::Mock(mock) => serve_mock(mock),
        Command::Intents(Intents::Create(create)) => create_intent(&client(cli)?, cli, create),
        Command::Intents(Intents::Get { id }) => {
            let intent = client(cli)?.send(GetIntent::new(id.as_str())?)?;
            Printer::stdout().json(&intent)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Intents(Intents::List(list)) => list_intents(&client(cli)?, list),
        Command::Intents(Intents::Approve { id }) => {
            let client = client(cli)?;
            let _writing = announce(&cli.command, None, None);
            deliver(&journal::pay(
                &client,
                push_ureq::ApproveIntent::new(id.as_str())?,
            )?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Intents(Intents::Cancel { id }) => {
            let client = client(cli)?;
            let _writing = announce(&cli.command, None, None);
            deliver(&journal::pay(
                &client,
                push_ureq::CancelIntent::new(id.as_str())?,
            )?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Authorize(authorize) => authorize_payment(&client(cli)?, cli, authorize),
        Command::Webhooks(Webhooks::Verify(verify)) => webhooks::verify(verify),
        Command::Webhooks(Webhooks::Sign(args)) => webhooks::sign(args),
        #[cfg(feature = "mock")]
        Command::Listen(args) => webhooks::listen(&client(cli)?, args),
        Command::Trigger(args) => webhooks::trigger(&client(cli)?, args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "push", &mut io::stdout().lock());
            Ok(ExitCode::SUCCESS)
        }
        Command::Users(command) => users(&client(cli)?, cli, command),
        Command::Tokenize(args) => tokenize(&client(cli)?, args),
        Command::Keys(Keys::Verify) => {
            let name = client(cli)?.verify_key()?;
            let mut out = io::stdout().lock();
            writeln!(out, "{}", terminal_safe(&name))?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sandbox(command) => simulate(&client(cli)?, command),
        Command::Webhooks(Webhooks::Register(args)) => webhooks::register(&client(cli)?, args),
        Command::Refunds(command) => ledger::refunds(&client(cli)?, cli, command),
        Command::Disputes(command) => ledger::disputes(&client(cli)?, command),
        Command::Accounts(command) => ledger::accounts(&client(cli)?, command),
        Command::Transactions(command) => ledger::transactions(&client(cli)?, command),
        Command::Transfers(command) => ledger::transfers(&client(cli)?, command),
        Command::Reconcile(args) => reconcile::reconcile(&client(cli)?, cli, args),
        Command::Emulator(command) => ledger::emulator(&client(cli)?, command),
        Command::Journal(JournalCommand::List { in_doubt, format }) => {
            journal::list(cli, *in_doubt, *format)
        }
        Command::Recover => journal::recover(&client(cli)?),
    }
}

type Push = Client<Verbose<UreqTransport>>;

/// The client, configured as `Client::from_env` is (one table of variables, read by one
/// function: `ClientBuilder::from_lookup`), with the standard proxy variables read by default
/// as curl does, and the command line's options over both. A variable that does not parse is
/// exit 2, naming it.
fn client(cli: &Cli) -> Result<Push, Failure> {
    let lookup = |name: &str| std::env::var(name).ok();
    let profile = profile::load(cli.profile.as_deref(), lookup)?;
    let token = match (&cli.api_token, &profile) {
        (Some(token), _) => token.clone(),
        (None, Some((name, profile))) => profile.token(name, lookup)?.ok_or_else(|| {
            Failure::Usage(format!(
                "profile `{}` names no token_file or token_command, and PUSH_API_TOKEN is not set",
                terminal_safe(name)
            ))
        })?,
        (None, None) => {
            return Err(Failure::Usage(
                "the API token is required: set PUSH_API_TOKEN, or choose a profile with a \
                 token_file or token_command (--profile NAME, PUSH_PROFILE), or pass --api-token"
                    .to_owned(),
            ));
        }
    };
    if cli.sandbox && cli.production {
        return Err(Failure::Usage(
            "--sandbox and --production exclude each other".to_owned(),
        ));
    }
    let mut builder = ClientBuilder::<Config>::new()
        .app_info(concat!("push-cli/", env!("CARGO_PKG_VERSION")))
        // HTTPS_PROXY / ALL_PROXY with NO_PROXY, for https destinations only (CONNECT tunnels);
        // PUSH_PROXY, read next, wins.
        .proxy_from_env();
    // The profile first, so that the environment (read next) and the command line win.
    if let Some((name, profile)) = &profile {
        builder = match (profile.environment.as_deref(), profile.base_url.as_deref()) {
            (Some(_), Some(_)) => {
                return Err(Failure::Usage(format!(
                    "profile `{}`: environment and base_url exclude each other",
                    terminal_safe(name)
                )));
            }
            (Some("sandbox"), None) => builder.environment(Environment::Sandbox),
            (Some("production"), None) => builder.environment(Environment::Production),
            (Some(other), None) => {
                return Err(Failure::Usage(format!(
                    "profile `{}`: environment must be sandbox or production (got `{}`)",
                    terminal_safe(name),
                    terminal_safe(other)
                )));
            }
            (None, Some(url)) => builder.base_url(url),
            (None, None) => builder,
        };
        if let Some(url) = &profile.tokens_base_url {
            builder = builder.tokens_base_url(url);
        }
    }
    let mut builder = builder
        .from_lookup(|name| std::env::var(name).ok())
        .token(token);
    // An explicit --sandbox or --production wins over PUSH_BASE_URL from the environment;
    // against an explicit --base-url it is a usage error (clap refuses the pair).
    if cli.production {
        builder = builder.environment(Environment::Production);
    } else if cli.sandbox {
        builder = builder.environment(Environment::Sandbox);
    } else if let Some(url) = cli.base_url.as_deref().filter(|url| !url.is_empty()) {
        builder = builder.base_url(url);
    }
    if let Some(url) = cli.tokens_base_url.as_deref().filter(|url| !url.is_empty()) {
        builder = builder.tokens_base_url(url);
    }
    if let Some(deadline) = cli.timeout {
        builder = builder.deadline(deadline);
    }
    if let Some(timeout) = cli.attempt_timeout {
        builder = builder
            .timeout(timeout)
            .connect_timeout(timeout.min(std::time::Duration::from_secs(10)));
    }
    if let Some(retries) = cli.max_retries {
        builder = builder.max_retries(retries);
    }
    if cli.wait_for_rate_limit {
        builder = builder.wait_for_rate_limit(true);
    }
    // The journal: only for money-moving commands (so reads work without it), from the
    // command line's choice (never PUSH_JOURNAL through the library's table alone).
    builder = builder.no_journal();
    if journal::is_money(&cli.command)
        && let Some(location) = journal::location(cli)?
    {
        builder = builder.journal(location);
    }
    let config = builder.build()?;
    let _ = BASE_URL.set(config.base_url().to_owned());
    let transport = Verbose::new(UreqTransport::new(&config), cli.verbose);
    let client = Client::with_transport(config, transport);
    // A journal that cannot be opened stops the command before anything is sent.
    client.check_journal()?;
    Ok(client)
}

fn approval_mode(mode: ApprovalModeArg) -> ApprovalMode {
    match mode {
        ApprovalModeArg::Automatic => ApprovalMode::Automatic,
        ApprovalModeArg::Manual => ApprovalMode::Manual,
    }
}

fn create_intent(client: &Push, cli: &Cli, args: &Create) -> Result<ExitCode, Failure> {
    let builder = CreateIntent::builder()
        .user_id(args.user_id.as_str())
        .set_token(args.token.as_deref())
        .set_amount(args.amount)
        .set_currency(args.currency.as_deref().map(Currency::from))
        .set_direction(args.direction.map(|d| Direction::from(d.wire())))
        .set_account_id(args.account_id.as_deref())
        .set_approval_mode(args.approval_mode.map(approval_mode))
        .set_redirect_url(args.redirect_url.as_deref())
        .set_webhook_url(args.webhook_url.as_deref())
        .set_idempotency_key(args.idempotency_key.as_deref());
    let intent = builder.build()?;
    let key = intent.idempotency_key().as_str().to_owned();
    let _writing = announce(
        &cli.command,
        Some(&key),
        Some(format!(
            "idempotency key {key} (if this command is stopped or its outcome is unknown, rerun with --idempotency-key {key})"
        )),
    );
    deliver(&journal::pay(client, intent)?)?;
    Ok(ExitCode::SUCCESS)
}

fn list_request(args: &List) -> Result<ListIntents, Failure> {
    let builder = ListIntents::builder()
        .statuses(args.statuses.iter().map(|status| match status {
            StatusArg::Created => IntentStatus::Created,
            StatusArg::Approved => IntentStatus::Approved,
            StatusArg::Declined => IntentStatus::Declined,
            StatusArg::Pending => IntentStatus::Pending,
            StatusArg::Canceled => IntentStatus::Canceled,
        }))
        .set_intent_type(args.intent_type.map(|kind| match kind {
            TypeArg::Push => IntentType::Push,
            TypeArg::CardOnly => IntentType::CardOnly,
        }))
        .set_created_after(args.listing.created_after)
        .set_created_before(args.listing.created_before)
        .set_cursor(args.listing.cursor.as_deref());
    Ok(builder.build()?)
}

fn list_intents(client: &Push, args: &List) -> Result<ExitCode, Failure> {
    list(client, list_request(args)?, &args.listing)
}

/// Any list, printed. One page: its `next_cursor` goes on from the last item printed (a resume
/// cursor when the limit cut the page), so nothing is skipped. `--all`: one item per line, and
/// Ctrl-C prints where to resume.
fn list<L>(client: &Push, request: L, listing: &Listing) -> Result<ExitCode, Failure>
where
    L: ListOperation,
    L::Item: Row,
{
    let mut printer = Printer::stdout();
    if !listing.all {
        let mut pages = client.list_pages(request);
        if let Some(limit) = listing.limit {
            pages = pages.with_limit(limit);
        }
        let page = match pages.next() {
            Some(page) => page?,
            None => push_ureq::Page::new(Vec::new(), pages.pager().resume_cursor(0)),
        };
        match listing.format {
            Format::Json => printer.json(&page)?,
            format => {
                printer.rows(format, &page.data)?;
                if let Some(cursor) = &page.next_cursor {
                    eprintln!("next cursor: {}", terminal_safe(cursor.as_str()));
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }

    // An interruption prints where to resume: a resume cursor after the last item recorded
    // as printed, so nothing is lost (an interrupt between printing and recording repeats that
    // one item). An error does the same.
    interrupt::listing(listing.cursor.clone());
    let mut items = client.list_all(request);
    if let Some(limit) = listing.limit {
        items = items.with_limit(limit);
    }
    printer.header::<L::Item>(listing.format)?;
    let mut last_cursor = listing.cursor.clone();
    let mut failed = None;
    // A running count on stderr when a person watches it; a script's stderr stays clean.
    let progress = io::IsTerminal::is_terminal(&io::stderr());
    let mut printed = 0u64;
    let every = std::time::Duration::from_millis(200);
    let mut next_draw = std::time::Instant::now() + every;
    while let Some(item) = items.next() {
        let item = match item {
            Ok(item) => item,
            Err(err) => {
                failed = Some(err);
                break;
            }
        };
        printer.stream(listing.format, &item)?;
        printed += 1;
        let cursor = items.resume_cursor().map(|c| terminal_safe(c.as_str()));
        if cursor != last_cursor {
            interrupt::listing(cursor.clone());
            last_cursor = cursor;
        }
        // At most five redraws a second, then the total.
        if progress && std::time::Instant::now() >= next_draw {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2Kpush: {printed} listed so far");
            let _ = err.flush();
            next_draw = std::time::Instant::now() + every;
        }
    }
    if progress {
        eprintln!("\r\x1b[2Kpush: {printed} listed");
    }
    printer.flush()?;
    if items.skipped() > 0 {
        eprintln!(
            "push: skipped {} item(s) the server sent twice (same id as one already printed)",
            items.skipped()
        );
    }
    if let Some(err) = failed {
        match &last_cursor {
            Some(cursor) => eprintln!("push: the listing stopped; resume with --cursor {cursor}"),
            None => eprintln!("push: the listing stopped; resume from the start (no --cursor)"),
        }
        return Err(err.into());
    }
    Ok(ExitCode::SUCCESS)
}

fn print(value: &impl serde::Serialize) -> Result<ExitCode, Failure> {
    Printer::stdout().json(value)?;
    Ok(ExitCode::SUCCESS)
}

fn create_user(client: &Push, cli: &Cli, args: &args::CreateUser) -> Result<ExitCode, Failure> {
    let mut government_id = GovernmentId::new(
        GovernmentIdType::from(wire(args.government_id_type).as_str()),
        args.government_id_last4.as_str(),
    );
    if let Some(state) = &args.government_id_state {
        government_id = government_id.with_state(state.as_str());
    }
    let user = CreateUserOp::builder()
        .name(LegalName::new(args.first.as_str(), args.last.as_str()))
        .email(args.email.as_str())
        .date_of_birth(args.date_of_birth.as_str())
        .address(Address::new(
            args.address_line_1.as_str(),
            args.locality.as_str(),
            args.administrative_area.as_str(),
            args.postal_code.as_str(),
            args.country.as_str(),
        ))
        .government_id(government_id)
        .identity_verified(args.identity_verified)
        .set_phone_number(args.phone_number.as_deref())
        .set_tag(args.tag.as_deref())
        .build()?;
    let note = user.tag().map(|tag| {
        format!("tag {tag} (if this command is stopped or its outcome is unknown, rerun with the same --tag)")
    });
    let _writing = announce(&cli.command, None, note);
    deliver(&journal::pay(client, user)?)?;
    Ok(ExitCode::SUCCESS)
}

fn list_users(client: &Push, args: &args::ListUsers) -> Result<ExitCode, Failure> {
    let request = ListUsersOp::builder()
        .statuses(
            args.statuses
                .iter()
                .map(|status| UserStatus::from(wire(*status).as_str())),
        )
        .set_created_after(args.listing.created_after)
        .set_created_before(args.listing.created_before)
        .set_cursor(args.listing.cursor.as_deref())
        .build()?;
    list(client, request, &args.listing)
}

fn users(client: &Push, cli: &Cli, command: &Users) -> Result<ExitCode, Failure> {
    match command {
        Users::Create(args) => create_user(client, cli, args),
        Users::Get { id } => print(&client.get_user(id.as_str())?),
        Users::List(args) => list_users(client, args),
        Users::Credentials { user_id, types } => {
            let mut request = ListUserCredentials::new(user_id.as_str())?;
            for kind in types {
                request = request.credential_type(CredentialType::from(wire(*kind).as_str()))?;
            }
            print(&client.list_user_credentials(request)?)
        }
        Users::AddCredential { user_id, token } => {
            let request = CreateUserCredential::new(user_id.as_str(), token.as_str())?;
            print(&client.create_user_credential(request)?)
        }
        Users::Url {
            user_id,
            url_type,
            direction,
        } => {
            let request = CreateUserUrl::new(user_id.as_str())?
                .set_url_type(url_type.map(|t| UserUrlType::from(wire(t).as_str())))?
                .set_direction(direction.map(|d| Direction::from(d.wire())))?;
            print(&client.create_user_url(request)?)
        }
    }
}

/// The card as read from standard input: strings as published, numbers accepted.
#[derive(serde::Deserialize)]
struct CardInput {
    pan: StringOrNumber,
    cvv: StringOrNumber,
    exp_month: StringOrNumber,
    exp_year: StringOrNumber,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    Text(String),
    Number(u64),
}

impl StringOrNumber {
    /// The value as text; a number as at least `width` digits (months and years as two).
    fn text(self, width: usize) -> String {
        match self {
            StringOrNumber::Text(text) => text,
            StringOrNumber::Number(n) => format!("{n:0width$}"),
        }
    }
}

/// Reads the card from standard input (arguments are visible to other users of the machine),
/// tokenizes it, prints `{"token": ...}`. Nothing printed names the number or the CVV.
fn tokenize(client: &Push, args: &Tokenize) -> Result<ExitCode, Failure> {
    let mut input = Vec::new();
    io::Read::read_to_end(&mut io::stdin().lock(), &mut input)?;
    // serde_json's message names the offending value's position, never the value.
    let card: CardInput = serde_json::from_slice(&input).map_err(|err| {
        Failure::Usage(format!(
            "standard input must be a JSON object with pan, cvv, exp_month and exp_year (line {}, column {})",
            err.line(),
            err.column()
        ))
    })?;
    let request = TokenizeCard::builder()
        .user_id(args.user_id.as_str())
        .pan(card.pan.text(0))
        .cvv(card.cvv.text(3))
        .exp_month(card.exp_month.text(2))
        .exp_year(card.exp_year.text(2))
        .card_only(args.card_type.is_some())
        .build()?;
    print(&journal::pay(client, request)?)
}

fn simulate(client: &Push, command: &Sandbox) -> Result<ExitCode, Failure> {
    let Sandbox::Credential {
        user_id,
        credential_type,
        card_last4,
    } = command;
    let mut request = SimulateCredential::new(
        user_id.as_str(),
        SimulatedCredentialType::from(wire(*credential_type).as_str()),
    )?;
    if let Some(last4) = card_last4 {
        request = request.card_last4(last4.as_str())?;
    }
    print(&client.simulate_credential(request)?)
}

fn authorize_payment(client: &Push, cli: &Cli, args: &Authorize) -> Result<ExitCode, Failure> {
    let secret = args
        .webhook_secret
        .as_deref()
        .map(WebhookSecret::new)
        .transpose()?;
    let builder = AuthorizeOp::builder()
        .amount(args.amount)
        .currency(Currency::from(args.currency.as_str()))
        .direction(Direction::from(args.direction.wire()))
        .set_token(args.token.as_deref())
        .set_credential_id(args.credential_id.as_deref())
        .set_redirect_url(args.redirect_url.as_deref())
        .set_webhook_url(args.webhook_url.as_deref())
        .set_webhook_secret(secret)
        .set_tag(args.tag.as_deref())
        .set_account_id(args.account_id.as_deref())
        .set_approval_mode(args.approval_mode.map(approval_mode));
    let request = builder.build()?;
    let note = match request.tag() {
        Some(tag) => format!(
            "tag {tag} (if this command is stopped or its outcome is unknown, look for an intent with this tag before rerunning)"
        ),
        None => "no --tag: set one so that a payment whose outcome is unknown can be found by it"
            .to_owned(),
    };
    let _writing = announce(&cli.command, None, Some(note));
    let outcome = journal::pay(client, request)?;
    deliver(&outcome)?;
    Ok(match outcome {
        AuthorizeOutcome::Declined(_) => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    })
}

#[cfg(feature = "mock")]
fn serve_mock(args: &Mock) -> Result<ExitCode, Failure> {
    let config = push_mock::EmulatorConfig {
        token: args.token.clone(),
        page_size: usize::from(args.page_size),
        faults: push_mock::FaultConfig::new(args.fault_rate, args.seed),
        seed_intents: args.seed_intents,
    };
    let server = push_mock::MockServer::start_in_background_on(config, args.port)?;
    let (stop, stopped) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|err| Failure::Output(io::Error::other(err)))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", server.base_url())?;
    out.flush()?;
    drop(out);
    eprintln!(
        "push: emulator serving on {} (token {}); Ctrl-C to stop",
        server.base_url(),
        mask(&args.token)
    );
    let _ = stopped.recv();
    Ok(ExitCode::SUCCESS)
}

/// Shows that a token is set without showing it.
#[cfg(feature = "mock")]
fn mask(token: &str) -> String {
    if token == push_mock::DEFAULT_TOKEN {
        token.to_owned()
    } else {
        "****".to_owned()
    }
}
