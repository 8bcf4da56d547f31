//! The command line, as clap parses it. Every global option is also read from the environment.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

/// The Push Cash command line: create, inspect and list payment intents, authorize payments,
/// and run the Push emulator.
#[derive(Debug, Parser)]
#[command(name = "push", version, propagate_version = true)]
pub(crate) struct Cli {
    /// The API token, kept for compatibility: arguments are visible to other users of the
    /// machine. Prefer PUSH_API_TOKEN, or a profile's token_file / token_command (--profile).
    #[arg(
        long,
        env = "PUSH_API_TOKEN",
        global = true,
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = GLOBAL
    )]
    pub(crate) api_token: Option<String>,
    /// Use the sandbox (the default; wins over PUSH_BASE_URL).
    #[arg(long, global = true, conflicts_with_all = ["production", "base_url"], help_heading = GLOBAL)]
    pub(crate) sandbox: bool,
    /// Use production (wins over PUSH_BASE_URL).
    #[arg(long, global = true, conflicts_with = "base_url", help_heading = GLOBAL)]
    pub(crate) production: bool,
    /// Send `push tokenize` to this tokens host instead of the environment's (https, or http
    /// to loopback only); with --base-url, tokens go to the base URL unless this is set
    /// [env: PUSH_TOKENS_BASE_URL=].
    #[arg(long, global = true, value_name = "URL", help_heading = GLOBAL)]
    pub(crate) tokens_base_url: Option<String>,
    /// Use this base URL (https, or http to loopback only) [env: PUSH_BASE_URL=]; --sandbox
    /// and --production win over the variable, while naming both on the command line is an
    /// error.
    #[arg(long, global = true, value_name = "URL", help_heading = GLOBAL)]
    pub(crate) base_url: Option<String>,
    /// The whole call's deadline in seconds: every attempt, retry wait and rate-limit wait
    /// [env: PUSH_DEADLINE=; default 120]. A write it ends after sending exits 4.
    #[arg(long, global = true, value_parser = deadline, value_name = "SECS", help_heading = GLOBAL)]
    pub(crate) timeout: Option<Duration>,
    /// The timeout of each attempt in seconds, body included [env: PUSH_TIMEOUT=; default 30].
    #[arg(long, global = true, value_parser = attempt_timeout, value_name = "SECS", help_heading = GLOBAL)]
    pub(crate) attempt_timeout: Option<Duration>,
    /// Retries after the first attempt [env: PUSH_MAX_RETRIES=; default 2].
    #[arg(long, global = true, value_name = "N", help_heading = GLOBAL)]
    pub(crate) max_retries: Option<u32>,
    /// Wait for a rate-limit slot (PUSH_RATE_LIMIT=published) even past the deadline; without
    /// it such a call fails at once, nothing sent, saying when the slot opens
    /// [env: PUSH_WAIT_FOR_RATE_LIMIT=].
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub(crate) wait_for_rate_limit: bool,
    /// The write-ahead journal of money-moving commands: a SQLite file or a `postgres://` URL
    /// [env: PUSH_JOURNAL=; default $XDG_STATE_HOME/push/journal.sqlite3, else
    /// ~/.local/state/push/journal.sqlite3]. A command rerun with the same reference prints
    /// the recorded answer (or resolves it first) and never pays twice.
    #[arg(long, global = true, value_name = "PATH_OR_URL", conflicts_with = "no_journal", help_heading = GLOBAL)]
    pub(crate) journal: Option<String>,
    /// Do not journal money-moving commands (a killed command then forgets whether money moved).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub(crate) no_journal: bool,
    /// Settings from the config file's [profiles.NAME] ($XDG_CONFIG_HOME/push/config.toml or
    /// ~/.config/push/config.toml; PUSH_CONFIG to move it): base URL or environment, the token
    /// from token_file or token_command, the journal. The command line and the environment win
    /// over it [env: PUSH_PROFILE=; default: the file's default_profile].
    #[arg(long, global = true, value_name = "NAME", help_heading = GLOBAL)]
    pub(crate) profile: Option<String>,
    /// One line per attempt on stderr: method, path, status, attempt, milliseconds.
    #[arg(short, long, env = "PUSH_VERBOSE", global = true, help_heading = GLOBAL)]
    pub(crate) verbose: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Payment intents.
    #[command(subcommand)]
    Intents(Intents),
    /// Submit a payment to the Push Authorization Engine.
    Authorize(Authorize),
    /// Serve the Push emulator on 127.0.0.1 until interrupted, printing its base URL.
    #[cfg(feature = "mock")]
    Mock(Mock),
    /// Webhooks Push sends: verify one, sign a body for a test, register the endpoint.
    #[command(subcommand)]
    Webhooks(Webhooks),
    /// Receive webhooks on 127.0.0.1 and forward each, signed, to your handler, one line per
    /// delivery with the handler's status (registers itself with the emulator first).
    #[cfg(feature = "mock")]
    Listen(Listen),
    /// Make the emulator emit one webhook event (to the endpoint `push listen` registered).
    Trigger(Trigger),
    /// Print a shell completion script: `push completions bash > ~/.local/share/bash-completion/completions/push`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Users: register, inspect and list them; their stored cards and widget URLs.
    #[command(subcommand)]
    Users(Users),
    /// Swap a card read from standard input (never from arguments) for a single-use token.
    Tokenize(Tokenize),
    /// API keys.
    #[command(subcommand)]
    Keys(Keys),
    /// Sandbox-only helpers (refused against production).
    #[command(subcommand)]
    Sandbox(Sandbox),
    /// Refunds of approved intents.
    #[command(subcommand)]
    Refunds(Refunds),
    /// Network disputes (chargebacks, ACH returns).
    #[command(subcommand)]
    Disputes(Disputes),
    /// Settlement and dispute accounts, with balances.
    #[command(subcommand)]
    Accounts(Accounts),
    /// Ledger transactions.
    #[command(subcommand)]
    Transactions(Transactions),
    /// Daily transfers between Push and your operational account.
    #[command(subcommand)]
    Transfers(Transfers),
    /// Check one day's transfers against the transactions they net and the intents those name.
    Reconcile(Reconcile),
    /// The write-ahead journal of money-moving commands.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Resolve every journal entry in doubt (a command killed or cut off mid-payment): one JSON
    /// line per entry; exit 0 when nothing is left in doubt, 4 when some entry needs a person.
    Recover,
    /// Controls of the Push emulator (`push mock`): its clock, disputes, injected errors.
    /// Refused by Push itself: these routes exist only on the emulator.
    #[command(subcommand)]
    Emulator(EmulatorControl),
}

#[derive(Debug, Subcommand)]
pub(crate) enum JournalCommand {
    /// The journal's entries, oldest first: JSON Lines (`reference`, `operation`, `state`,
    /// `result_id`, `idempotency_key`, `created_at`, ...) or a table.
    List {
        /// Only entries in doubt: `pending`, `unknown`, `needs_review`.
        #[arg(long)]
        in_doubt: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: JournalFormat,
    },
}

/// `push journal list --format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum JournalFormat {
    Json,
    Table,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Refunds {
    /// Refund an approved intent, fully or --amount of it; prints
    /// `{"outcome": "approved"|"declined", ...the refund}` (exit 3 when declined). One refund per
    /// intent: rerunning answers the refund already made.
    Create {
        /// The approved intent.
        #[arg(long, value_name = "I")]
        intent_id: String,
        /// Refund only this many cents (a full refund without it).
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        amount: Option<i64>,
    },
    /// Print one refund.
    Get {
        /// The refund id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Disputes {
    /// List disputes, newest first.
    List(ListDisputes),
    /// Print one dispute.
    Get {
        /// The dispute id.
        id: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ListDisputes {
    #[command(flatten)]
    pub(crate) listing: Listing,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Accounts {
    /// List every account; prints `{"data": [...]}` (Push does not page it).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Print one account.
    Get {
        /// The account id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Transactions {
    /// List ledger transactions, newest first.
    List(ListTransactions),
    /// Print one transaction.
    Get {
        /// The transaction id.
        id: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ListTransactions {
    /// Only this account's transactions.
    #[arg(long, value_name = "A")]
    pub(crate) account_id: Option<String>,
    #[command(flatten)]
    pub(crate) listing: Listing,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Transfers {
    /// List transfers, newest first.
    List(ListTransfers),
    /// Print one transfer, with the transactions it nets.
    Get {
        /// The transfer id.
        id: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ListTransfers {
    /// Only transfers dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = day, value_name = "D")]
    pub(crate) date_after: Option<NaiveDate>,
    /// Only transfers dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_parser = day, value_name = "D")]
    pub(crate) date_before: Option<NaiveDate>,
    #[command(flatten)]
    pub(crate) listing: Listing,
}

#[derive(Debug, Args)]
pub(crate) struct Reconcile {
    /// The day whose transfers are checked (YYYY-MM-DD; transactions by their UTC creation day).
    #[arg(long, value_parser = day, value_name = "D")]
    pub(crate) date: NaiveDate,
    /// Days before D whose approved intents must each have settled exactly once (at most 92).
    #[arg(long, default_value_t = 7, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=92))]
    pub(crate) lookback_days: u32,
    /// A day without transfers though intents were due is a discrepancy (exit 5), not a warning.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Our records, CSV with a header: reference,intent_id,amount,direction,currency (amount in
    /// cents; intent_id may be empty). Each must be found approved and settled; every approved
    /// intent of the window they do not name is unknown_to_us. With an explicit --journal, the
    /// journal's finished payments are records too.
    #[arg(long, value_name = "FILE")]
    pub(crate) expected: Option<std::path::PathBuf>,
    /// Judge what is due at this time (RFC 3339) instead of Push's clock (its answers' Date).
    #[arg(long, value_parser = timestamp, value_name = "T")]
    pub(crate) as_of: Option<DateTime<Utc>>,
    /// A table (default); JSON Lines (one line per transfer, one per finding, then a summary
    /// line); or CSV (kind,id,amount_usd,transfer,detail).
    #[arg(long, value_enum, default_value_t = ReconcileFormat::Table)]
    pub(crate) format: ReconcileFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum ReconcileFormat {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EmulatorControl {
    /// Move the emulator's clock on and run its daily cut-off; prints `{"now", "transfers"}`.
    Advance {
        /// Whole days.
        #[arg(long, default_value_t = 0, value_name = "N")]
        days: u64,
        /// Seconds (added to --days).
        #[arg(long, default_value_t = 0, value_name = "N")]
        seconds: u64,
    },
    /// Open a dispute on an approved intent; prints the dispute.
    OpenDispute {
        /// The intent.
        #[arg(long, value_name = "I")]
        intent_id: String,
        /// The network's reason code (10.4 by default).
        #[arg(long, value_name = "C")]
        code: Option<String>,
    },
    /// Resolve an open dispute; prints the dispute.
    ResolveDispute {
        /// The dispute id.
        id: String,
        /// Won (the amount comes back) or lost.
        #[arg(long, value_enum, value_name = "S")]
        status: DisputeOutcomeArg,
    },
    /// Make the ledger wrong, for `push reconcile` to find: the next transfer (or intent entry)
    /// off by --delta cents (`transfer_amount`, `intent_amount`), netting an intent twice,
    /// listing two entries for itself, an entry in another currency, a date other than its
    /// listed day; the next cut-off leaving an intent out (`unsettled`); or an approved intent
    /// nobody's records name, made at once (`unknown_intent`, prints its id).
    InjectDiscrepancy {
        /// What to make wrong.
        #[arg(long, value_enum, value_name = "K")]
        kind: DiscrepancyArg,
        /// By how many cents (not 0): for `transfer_amount` and `intent_amount` only.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        delta: Option<i64>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum DisputeOutcomeArg {
    Won,
    Lost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum DiscrepancyArg {
    TransferAmount,
    IntentAmount,
    DoubleNetted,
    TwoOwnEntries,
    WrongCurrency,
    WrongDate,
    Unsettled,
    UnknownIntent,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Users {
    /// Register a user; prints `{"id": ...}`. Set --tag (your user id): the same tag returns the
    /// same user, which makes the command safe to rerun.
    Create(Box<CreateUser>),
    /// Print one user.
    Get {
        /// The user id.
        id: String,
    },
    /// List users, newest first.
    List(ListUsers),
    /// The user's stored credentials, every type unless --type narrows them.
    Credentials {
        /// The user id.
        user_id: String,
        /// Only this credential type (repeat for several).
        #[arg(long = "type", value_enum, value_name = "T")]
        types: Vec<CredentialTypeArg>,
    },
    /// Store the card behind a token on the user; prints the credential.
    AddCredential {
        /// The user id.
        user_id: String,
        /// The card token (from the widget or `push tokenize`).
        #[arg(long, value_name = "T")]
        token: String,
    },
    /// A user widget (or Apple Pay launcher) URL; prints `{"url": ...}`.
    Url {
        /// The user id.
        user_id: String,
        /// What the URL opens (default: the widget with every enabled type).
        #[arg(long = "type", value_enum, value_name = "T")]
        url_type: Option<UrlTypeArg>,
        /// Cash in or cash out.
        #[arg(long, value_enum, value_name = "D")]
        direction: Option<DirectionArg>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CreateUser {
    /// First name.
    #[arg(long, value_name = "F")]
    pub(crate) first: String,
    /// Last name.
    #[arg(long, value_name = "L")]
    pub(crate) last: String,
    /// Email address.
    #[arg(long, value_name = "E")]
    pub(crate) email: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) date_of_birth: String,
    /// First address line.
    #[arg(long = "address-line-1", value_name = "A")]
    pub(crate) address_line_1: String,
    /// City or township.
    #[arg(long, value_name = "C")]
    pub(crate) locality: String,
    /// Two-letter state code (CA).
    #[arg(long, value_name = "ST")]
    pub(crate) administrative_area: String,
    /// NNNNN or NNNNN-NNNN.
    #[arg(long, value_name = "Z")]
    pub(crate) postal_code: String,
    /// Two-letter country code (sent in capitals).
    #[arg(long, value_name = "CC")]
    pub(crate) country: String,
    /// The government id's type.
    #[arg(long, value_enum, value_name = "T")]
    pub(crate) government_id_type: GovernmentIdTypeArg,
    /// Its last four characters.
    #[arg(long = "government-id-last4", value_name = "X")]
    pub(crate) government_id_last4: String,
    /// The issuing state (drivers_license and state_id only).
    #[arg(long, value_name = "ST")]
    pub(crate) government_id_state: Option<String>,
    /// You verified the user's identity (sent as true; false without this flag).
    #[arg(long)]
    pub(crate) identity_verified: bool,
    /// Phone number.
    #[arg(long, value_name = "P")]
    pub(crate) phone_number: Option<String>,
    /// Your user id: Push returns the same user for the same tag.
    #[arg(long, value_name = "T")]
    pub(crate) tag: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ListUsers {
    /// Only users with this status (repeat for several).
    #[arg(long = "status", value_enum, value_name = "S")]
    pub(crate) statuses: Vec<UserStatusArg>,
    #[command(flatten)]
    pub(crate) listing: Listing,
}

/// What every `list` command takes: the creation-time window, the cursor, how much and how.
#[derive(Debug, Args)]
pub(crate) struct Listing {
    /// Only items created after this time: RFC 3339, a day (2026-12-01, midnight UTC) or a
    /// time ago (24h, 7d).
    #[arg(long, value_parser = timestamp, value_name = "TS")]
    pub(crate) created_after: Option<DateTime<Utc>>,
    /// Only items created before this time (the same forms).
    #[arg(long, value_parser = timestamp, value_name = "TS")]
    pub(crate) created_before: Option<DateTime<Utc>>,
    /// Start from this cursor (from a previous listing; a resume cursor works too).
    #[arg(long, value_name = "C")]
    pub(crate) cursor: Option<String>,
    /// Follow cursors to the end, one item per line.
    #[arg(long)]
    pub(crate) all: bool,
    /// Print at most N items.
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub(crate) format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct Tokenize {
    /// The user the card belongs to.
    #[arg(long, value_name = "U")]
    pub(crate) user_id: String,
    /// Force card-only processing.
    #[arg(long = "type", value_enum, value_name = "T")]
    pub(crate) card_type: Option<CardTypeArg>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Keys {
    /// Check the API token; prints the organisation's name.
    Verify,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Sandbox {
    /// Create a stored credential for a user (sandbox only); prints the credential.
    Credential {
        /// The user id.
        #[arg(long, value_name = "U")]
        user_id: String,
        /// The credential type.
        #[arg(long = "type", value_enum, value_name = "T")]
        credential_type: SimulatedTypeArg,
        /// Four digits to show (generated when absent).
        #[arg(long, value_name = "NNNN")]
        card_last4: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum GovernmentIdTypeArg {
    DriversLicense,
    Passport,
    StateId,
    MilitaryId,
    Ssn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum UserStatusArg {
    Created,
    Enabled,
    Suspended,
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum CredentialTypeArg {
    SecureDebit,
    CardOnlyCredit,
    CardOnlyDebit,
    ApplePayDebit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum UrlTypeArg {
    ApplePay,
    CardOnly,
    SecureDebit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum CardTypeArg {
    CardOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum SimulatedTypeArg {
    SecureDebit,
    CardOnlyCredit,
    CardOnlyDebit,
    ApplePay,
    ApplePayDebit,
}

/// The wire value of a `ValueEnum` argument: its clap name, which is the API's.
pub(crate) fn wire(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

#[derive(Debug, Subcommand)]
pub(crate) enum Webhooks {
    /// Verify a webhook read from stdin: the signature over the raw bytes, then the timestamp.
    Verify(Verify),
    /// Print the X-Webhook-Signature value Push would send for the body on stdin (for curl
    /// tests of your handler).
    Sign(Sign),
    /// Set (or replace) the organisation's webhook endpoint; prints `{"url": ...}`.
    Register(Register),
}

/// Where a webhook secret comes from: a file or PUSH_WEBHOOK_SECRET, never the command line
/// (other users of the machine can read a process's arguments).
#[derive(Debug, Args)]
pub(crate) struct SecretSource {
    /// Read the webhook secret from FILE (its first line) instead of PUSH_WEBHOOK_SECRET.
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_file: Option<std::path::PathBuf>,
    /// Refused: a secret on the command line is readable by every user of the machine.
    #[arg(long, hide = true, value_name = "S")]
    pub(crate) secret: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct Register {
    /// The endpoint (https; http to loopback only).
    #[arg(long, value_name = "U")]
    pub(crate) url: String,
    /// The signing secret (32 to 4096 characters).
    #[command(flatten)]
    pub(crate) secret: SecretSource,
}

#[derive(Debug, Args)]
pub(crate) struct Verify {
    /// The webhook secret.
    #[command(flatten)]
    pub(crate) secret: SecretSource,
    /// The X-Webhook-Signature header's value (hex or base64).
    #[arg(long, value_name = "SIG")]
    pub(crate) signature: String,
    /// How far the timestamp may be from now, either way, in seconds.
    #[arg(long, default_value = "300", value_parser = seconds, value_name = "SECS")]
    pub(crate) tolerance: Duration,
}

#[derive(Debug, Args)]
pub(crate) struct Sign {
    /// The webhook secret.
    #[command(flatten)]
    pub(crate) secret: SecretSource,
}

#[cfg(feature = "mock")]
#[derive(Debug, Args)]
pub(crate) struct Listen {
    /// Your handler: an http:// URL on this machine.
    #[arg(long, value_name = "URL")]
    pub(crate) forward_to: String,
    /// The loopback port to receive on [default: any free port].
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub(crate) port: u16,
    /// The webhook secret: webhooks that do not verify are answered 401 and not forwarded;
    /// forwarded ones carry the signature Push would send.
    #[command(flatten)]
    pub(crate) secret: SecretSource,
    /// Do not register with the server (events reach this port another way, e.g. a tunnel
    /// from your registered endpoint). Required unless the base URL is the emulator's.
    #[arg(long)]
    pub(crate) no_register: bool,
    /// Stop after N deliveries [default: run until interrupted].
    #[arg(long, value_name = "N")]
    pub(crate) count: Option<u64>,
    /// One line per delivery as text or JSON.
    #[arg(long, value_enum, default_value_t = ListenFormat::Text)]
    pub(crate) format: ListenFormat,
}

/// How `push listen` prints a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListenFormat {
    /// `intent.approved intent_... -> 200 http://...`.
    Text,
    /// `{"type", "intent_id", "tag", "status", "error", "forwarded_to"}`.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct Trigger {
    /// The event.
    #[arg(value_enum)]
    pub(crate) event: TriggerEvent,
    /// The `tag` the event carries (your transaction id), at most 255 characters.
    #[arg(long, value_name = "T")]
    pub(crate) tag: Option<String>,
}

/// The events Push sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TriggerEvent {
    /// An intent approved.
    #[value(name = "intent.approved")]
    IntentApproved,
    /// An intent declined.
    #[value(name = "intent.declined")]
    IntentDeclined,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Intents {
    /// Create a payment intent (explicitly, or from a card token).
    Create(Create),
    /// Print one intent.
    Get {
        /// The intent id.
        id: String,
    },
    /// List intents, newest first.
    List(List),
    /// Approve a pending intent (created with --approval-mode manual).
    Approve {
        /// The intent id.
        id: String,
    },
    /// Cancel an intent that is not yet approved.
    Cancel {
        /// The intent id.
        id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum DirectionArg {
    CashIn,
    CashOut,
}

impl DirectionArg {
    pub(crate) fn wire(self) -> &'static str {
        match self {
            DirectionArg::CashIn => "cash_in",
            DirectionArg::CashOut => "cash_out",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum ApprovalModeArg {
    Automatic,
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum TypeArg {
    Push,
    CardOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum StatusArg {
    Created,
    Approved,
    Declined,
    Pending,
    Canceled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(crate) enum Format {
    #[default]
    Json,
    Table,
    Csv,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("form").required(true).args(["amount", "token"])))]
pub(crate) struct Create {
    /// Push's identifier for the user.
    #[arg(long, value_name = "U")]
    pub(crate) user_id: String,
    /// Amount in cents (explicit form; with --currency and --direction).
    #[arg(long, value_name = "N", requires_all = ["currency", "direction"], allow_negative_numbers = true)]
    pub(crate) amount: Option<i64>,
    /// Currency (explicit form).
    #[arg(long, value_name = "USD", requires = "amount")]
    pub(crate) currency: Option<String>,
    /// Direction (explicit form).
    #[arg(long, value_enum, requires = "amount")]
    pub(crate) direction: Option<DirectionArg>,
    /// A card token (tokenized form: no amount, currency or direction).
    #[arg(long, value_name = "T", conflicts_with_all = ["amount", "currency", "direction"])]
    pub(crate) token: Option<String>,
    /// The settlement account.
    #[arg(long, value_name = "A")]
    pub(crate) account_id: Option<String>,
    /// Approval mode (manual only with cash_out).
    #[arg(long, value_enum)]
    pub(crate) approval_mode: Option<ApprovalModeArg>,
    /// Where the user returns after the payment session.
    #[arg(long, value_name = "URL")]
    pub(crate) redirect_url: Option<String>,
    /// Where Push delivers webhooks for the intent (https).
    #[arg(long, value_name = "URL")]
    pub(crate) webhook_url: Option<String>,
    /// Your idempotency key (a fresh one is generated otherwise; it is printed on failure).
    #[arg(long, value_name = "K")]
    pub(crate) idempotency_key: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct List {
    /// Only intents with this status (repeat for several).
    #[arg(long = "status", value_enum, value_name = "S")]
    pub(crate) statuses: Vec<StatusArg>,
    /// Only this payment flow type.
    #[arg(long = "type", value_enum)]
    pub(crate) intent_type: Option<TypeArg>,
    #[command(flatten)]
    pub(crate) listing: Listing,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("payment").required(true).args(["token", "credential_id"])))]
pub(crate) struct Authorize {
    /// Amount in cents.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) amount: i64,
    /// Currency.
    #[arg(long, value_name = "USD")]
    pub(crate) currency: String,
    /// Direction.
    #[arg(long, value_enum, value_name = "D")]
    pub(crate) direction: DirectionArg,
    /// A card token (Push deduplicates on it, so the call may be retried).
    #[arg(long, value_name = "T")]
    pub(crate) token: Option<String>,
    /// A stored payment credential (never retried once sent).
    #[arg(long, value_name = "C")]
    pub(crate) credential_id: Option<String>,
    /// Where the authentication flow returns to.
    #[arg(long, value_name = "URL")]
    pub(crate) redirect_url: Option<String>,
    /// Your https webhook endpoint.
    #[arg(long, value_name = "URL")]
    pub(crate) webhook_url: Option<String>,
    /// The secret webhooks are signed with (32 to 4096 characters).
    #[arg(
        long,
        env = "PUSH_WEBHOOK_SECRET",
        hide_env_values = true,
        value_name = "S"
    )]
    pub(crate) webhook_secret: Option<String>,
    /// Your internal transaction id (1 to 255 visible ASCII characters).
    #[arg(long, value_name = "T")]
    pub(crate) tag: Option<String>,
    /// The settlement account.
    #[arg(long, value_name = "A")]
    pub(crate) account_id: Option<String>,
    /// Approval mode (manual only with cash_out).
    #[arg(long, value_enum, value_name = "M")]
    pub(crate) approval_mode: Option<ApprovalModeArg>,
}

#[cfg(feature = "mock")]
#[derive(Debug, Args)]
pub(crate) struct Mock {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0, value_name = "P")]
    pub(crate) port: u16,
    /// The token the emulator accepts.
    #[arg(long = "token", value_name = "T", default_value = push_mock::DEFAULT_TOKEN)]
    pub(crate) token: String,
    /// Seed of the fault injection.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) seed: u64,
    /// Share of requests that get a fault, 0.0 to 1.0.
    #[arg(long, default_value = "0", value_parser = rate, value_name = "F")]
    pub(crate) fault_rate: f64,
    /// Intents per list page.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub(crate) page_size: u16,
    /// Intents to create at start.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) seed_intents: usize,
}

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

fn deadline(value: &str) -> Result<Duration, String> {
    push_ureq::parse_seconds("--timeout", value).map_err(|err| err.rule().to_owned())
}

fn attempt_timeout(value: &str) -> Result<Duration, String> {
    push_ureq::parse_seconds("--attempt-timeout", value).map_err(|err| err.rule().to_owned())
}

fn seconds(value: &str) -> Result<Duration, String> {
    match value.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 => {
            Ok(Duration::from_secs_f64(secs))
        }
        _ => Err(format!(
            "`{value}` is not a number of seconds above 0 (at most 86400)"
        )),
    }
}

/// A point in time: RFC 3339 (`2026-12-01T09:30:00Z`), a day (`2026-12-01`: midnight UTC), or
/// a time ago (`90s`, `30m`, `24h`, `7d`, `2w`) on this machine's clock.
fn timestamp(value: &str) -> Result<DateTime<Utc>, String> {
    timestamp_at(value, Utc::now())
}

fn timestamp_at(value: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.to_utc());
    }
    if let Ok(date) = day(value) {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    let refused = || {
        format!(
            "`{value}` is not a time: give an RFC 3339 timestamp (2026-12-01T09:30:00Z), a day \
             (2026-12-01, midnight UTC) or a time ago (90s, 30m, 24h, 7d, 2w)"
        )
    };
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(refused)?;
    let (digits, unit) = value.split_at(split);
    let count: i64 = digits.parse().map_err(|_| refused())?;
    let seconds_per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(refused()),
    };
    count
        .checked_mul(seconds_per)
        .and_then(chrono::TimeDelta::try_seconds)
        .and_then(|ago| now.checked_sub_signed(ago))
        .ok_or_else(|| format!("`{value}` reaches further back than a timestamp can"))
}

/// A day as `YYYY-MM-DD` exactly (chrono alone would read `26-11-21` as the year 26).
fn day(value: &str) -> Result<NaiveDate, String> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{value}` is not a date, YYYY-MM-DD"))
}

fn rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{value}` is not a number from 0.0 to 1.0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_timestamps_days_or_times_ago() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T12:00:00Z")
            .unwrap()
            .to_utc();
        let at = |text: &str| timestamp_at(text, now).map(|t| t.to_rfc3339());
        for (given, expected) in [
            ("2026-12-01T09:30:00+01:00", "2026-12-01T08:30:00+00:00"),
            ("2026-12-01", "2026-12-01T00:00:00+00:00"),
            ("90s", "2026-12-04T11:58:30+00:00"),
            ("30m", "2026-12-04T11:30:00+00:00"),
            ("24h", "2026-12-03T12:00:00+00:00"),
            ("7d", "2026-11-27T12:00:00+00:00"),
            ("2w", "2026-11-20T12:00:00+00:00"),
            ("0h", "2026-12-04T12:00:00+00:00"),
        ] {
            assert_eq!(at(given).as_deref(), Ok(expected), "{given}");
        }
        for refused in [
            "",
            "7",
            "d",
            "7y",
            "-7d",
            "7 d",
            "26-12-01",
            "2026-13-01",
            "1.5h",
        ] {
            let err = at(refused).unwrap_err();
            assert!(err.contains("24h, 7d"), "{refused}: {err}");
        }
        let err = at("99999999999999w").unwrap_err();
        assert!(err.contains("further back"), "{err}");
    }
}
