//! Random sequences of operations, and the invariants checked after every step.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use push_core::{
    Authorize, AuthorizeOutcome, CallOptions, CardToken, CreateIntent, CreateRefund, Currency,
    Direction, Error, GetIntent, IntentId, ListIntents, RefundOutcome, RegisterWebhook,
    TokenizeCard, UserId, WebhookSecret,
    ops::Operation,
    paging::Pager,
    rate_limit::{RateClass, RateLimiter, SLOTS},
};

use crate::{
    drivers::{Driver, Outcome},
    network::Network,
};

/// A broken promise: what, at which step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The step (0-based) after which it was found.
    pub step: usize,
    /// What broke.
    pub what: String,
}

/// What the client has been told so far.
#[derive(Debug, Default)]
struct Model {
    users: Vec<UserId>,
    tokens: Vec<CardToken>,
    intents: Vec<IntentId>,
    /// Every create sent, and the intent a success named for it.
    creates: Vec<(CreateIntent, Option<IntentId>)>,
    tags: u64,
}

/// The workload of one seed.
pub(crate) struct Workload<'a> {
    pub(crate) driver: &'a mut Driver,
    pub(crate) network: Network,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) rng: fastrand::Rng,
    model: Model,
    step: usize,
}

type Checked = Result<(), Violation>;

impl<'a> Workload<'a> {
    pub(crate) fn new(
        driver: &'a mut Driver,
        network: Network,
        limiter: Option<RateLimiter>,
        rng: fastrand::Rng,
    ) -> Self {
        Self {
            driver,
            network,
            limiter,
            rng,
            model: Model::default(),
            step: 0,
        }
    }

    fn fail(&self, what: impl Into<String>) -> Violation {
        Violation {
            step: self.step,
            what: what.into(),
        }
    }

    /// Runs `steps` random operations, checking every invariant after each.
    pub(crate) fn run(&mut self, steps: usize) -> Checked {
        for step in 0..steps {
            self.step = step;
            self.one_step()?;
            self.check_global()?;
        }
        Ok(())
    }

    fn options(&mut self) -> CallOptions {
        let mut options = CallOptions::new();
        if self.rng.bool() {
            options = options.deadline(Duration::from_millis(self.rng.u64(20..=30_000)));
        }
        if self.rng.u8(..4) == 0 {
            options = options.timeout(Duration::from_millis(self.rng.u64(10..=5_000)));
        }
        options
    }

    fn amount(&mut self) -> i64 {
        self.rng.i64(100..=5_000)
    }

    fn direction(&mut self) -> Direction {
        if self.rng.bool() {
            Direction::CashIn
        } else {
            Direction::CashOut
        }
    }

    fn pick<T: Clone>(&mut self, from: &[T]) -> Option<T> {
        (!from.is_empty()).then(|| from[self.rng.usize(..from.len())].clone())
    }

    fn one_step(&mut self) -> Checked {
        match self.rng.u8(..11) {
            0 => self.create_user(),
            1 => self.tokenize(),
            2 => self.authorize_by_token(),
            3 => self.authorize_by_credential(),
            4 | 5 => self.create_intent(),
            6 => self.transition(),
            7 => self.refund(),
            8 => self.get_intent(),
            9 => self.list_intents(),
            _ => self.register_webhook(),
        }
    }

    /// Runs `operation` and checks what every call promises: it ends by its deadline; a write
    /// that failed after taking effect says its outcome is unknown; a read never does.
    fn call<O>(&mut self, operation: O) -> Result<Option<Result<O::Output, Error>>, Violation>
    where
        O: Operation + Send + 'static,
        O::Output: Send,
    {
        let writes = operation.has_effect();
        let options = self.options();
        let outcome: Outcome<O::Output> = self.driver.call(operation, &options);
        let took = outcome.ended.saturating_duration_since(outcome.started);
        // The async driver's timers tick in whole milliseconds.
        if took > outcome.deadline + Duration::from_millis(2) {
            return Err(self.fail(format!(
                "a call took {took:?}, past its deadline of {:?}",
                outcome.deadline
            )));
        }
        let sent = self.network.sent();
        let committed = sent
            .get(outcome.first_exchange..)
            .is_some_and(|exchanges| exchanges.iter().any(|e| e.committed));
        if let Some(Err(err)) = &outcome.result {
            if writes && committed && !err.is_outcome_unknown() {
                let exchanges: Vec<String> = sent[outcome.first_exchange..]
                    .iter()
                    .map(|e| format!("{} (committed: {})", e.what, e.committed))
                    .collect();
                return Err(self.fail(format!(
                    "a write took effect, then failed as if it had not: {err}; its exchanges: {}",
                    exchanges.join("; ")
                )));
            }
            if !writes && err.is_outcome_unknown() {
                return Err(self.fail(format!("a read said its outcome is unknown: {err}")));
            }
            if err.is_outcome_unknown() && !err.to_string().starts_with("outcome unknown") {
                return Err(self.fail(format!("an unknown outcome not said first: {err}")));
            }
        }
        Ok(outcome.result)
    }

    fn create_user(&mut self) -> Checked {
        let mut builder = push_mock::sample::create_user();
        if self.rng.bool() {
            self.model.tags += 1;
            builder = builder.tag(format!("sim-user-{}", self.model.tags));
        }
        let user = builder.build().map_err(|e| self.fail(e.to_string()))?;
        if let Some(Ok(created)) = self.call(user)? {
            self.model.users.push(created.id);
        }
        Ok(())
    }

    fn tokenize(&mut self) -> Checked {
        let user = self
            .pick(&self.model.users.clone())
            .unwrap_or_else(|| UserId::from("user_sim"));
        let card = TokenizeCard::builder()
            .user_id(user)
            .pan("5555555555554444")
            .cvv("737")
            .exp_month("12")
            .exp_year("30")
            .build()
            .map_err(|e| self.fail(e.to_string()))?;
        if let Some(Ok(token)) = self.call(card)? {
            self.model.tokens.push(token);
        }
        Ok(())
    }

    fn authorize(&mut self, authorize: Authorize) -> Checked {
        let amount = authorize.amount();
        if let Some(Ok(outcome)) = self.call(authorize)? {
            self.model.intents.push(outcome.intent_id().clone());
            if let AuthorizeOutcome::Approved(approved) = &outcome {
                self.holds(&approved.id, amount, "an approved authorize")?;
            }
        }
        Ok(())
    }

    fn authorize_by_token(&mut self) -> Checked {
        // Mostly a fresh token; sometimes one already used (Push refuses its second use).
        let token = if self.rng.u8(..4) == 0 {
            self.pick(&self.model.tokens.clone())
        } else if self.model.tokens.is_empty() {
            None
        } else {
            Some(self.model.tokens.remove(self.model.tokens.len() - 1))
        };
        let Some(token) = token else {
            return self.tokenize();
        };
        let amount = self.amount();
        let direction = self.direction();
        let authorize = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(direction)
            .token(token.token.as_str())
            .build()
            .map_err(|e| self.fail(e.to_string()))?;
        self.authorize(authorize)
    }

    fn authorize_by_credential(&mut self) -> Checked {
        let amount = self.amount();
        let direction = self.direction();
        self.model.tags += 1;
        let authorize = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(direction)
            .credential_id("cred_sim")
            .tag(format!("sim-pay-{}", self.model.tags))
            .build()
            .map_err(|e| self.fail(e.to_string()))?;
        self.authorize(authorize)
    }

    fn create_intent(&mut self) -> Checked {
        // A third of the time, the retry a caller makes: the same operation, the same key.
        let again = if self.rng.u8(..3) == 0 && !self.model.creates.is_empty() {
            Some(self.rng.usize(..self.model.creates.len()))
        } else {
            None
        };
        let (intent, index) = match again {
            Some(index) => (self.model.creates[index].0.clone(), index),
            None => {
                let amount = self.amount();
                let direction = self.direction();
                let user = self
                    .pick(&self.model.users.clone())
                    .unwrap_or_else(|| UserId::from("user_sim"));
                let intent = CreateIntent::builder()
                    .user_id(user)
                    .amount(amount)
                    .currency(Currency::Usd)
                    .direction(direction)
                    .build()
                    .map_err(|e| self.fail(e.to_string()))?;
                self.model.creates.push((intent.clone(), None));
                (intent, self.model.creates.len() - 1)
            }
        };
        let amount = intent.amount();
        if let Some(Ok(created)) = self.call(intent)? {
            if let Some(earlier) = &self.model.creates[index].1
                && *earlier != created.id
            {
                return Err(self.fail(format!(
                    "one idempotency key answered two intents: {earlier} and {}",
                    created.id
                )));
            }
            self.model.creates[index].1 = Some(created.id.clone());
            self.model.intents.push(created.id.clone());
            if let Some(amount) = amount {
                self.holds(&created.id, amount, "a created intent")?;
            }
        }
        Ok(())
    }

    fn transition(&mut self) -> Checked {
        let Some(id) = self.pick(&self.model.intents.clone()) else {
            return self.create_intent();
        };
        if self.rng.bool() {
            let approve =
                push_core::ApproveIntent::new(id).map_err(|e| self.fail(e.to_string()))?;
            self.call(approve)?;
        } else {
            let cancel = push_core::CancelIntent::new(id).map_err(|e| self.fail(e.to_string()))?;
            self.call(cancel)?;
        }
        Ok(())
    }

    fn refund(&mut self) -> Checked {
        let Some(id) = self.pick(&self.model.intents.clone()) else {
            return self.create_intent();
        };
        let partial = self.rng.bool().then(|| self.rng.i64(1..=2_000));
        let refund = CreateRefund::builder()
            .intent_id(id.clone())
            .set_amount(partial)
            .build()
            .map_err(|e| self.fail(e.to_string()))?;
        if let Some(Ok(RefundOutcome::Approved(refund))) = self.call(refund)? {
            let held = self.emulator_intent(&id);
            if let Some((amount, _)) = held
                && refund.amount > amount
            {
                return Err(self.fail(format!(
                    "a refund of {} on an intent of {amount}",
                    refund.amount
                )));
            }
        }
        Ok(())
    }

    fn get_intent(&mut self) -> Checked {
        let id = self
            .pick(&self.model.intents.clone())
            .unwrap_or_else(|| IntentId::from("intent_sandbox_none"));
        let get = GetIntent::new(id).map_err(|e| self.fail(e.to_string()))?;
        self.call(get)?;
        Ok(())
    }

    /// Up to three pages through push-core's pager; its memory stays one page.
    fn list_intents(&mut self) -> Checked {
        let mut pager = Pager::new(ListIntents::default());
        for _ in 0..3 {
            let Some(request) = pager.next_request() else {
                break;
            };
            let Some(result) = self.call(request)? else {
                break;
            };
            let failed = pager.take(result).is_err();
            // One page of ids (the emulator's pages are 10) and a fingerprint per page.
            if pager.held() > 2 * 10 + 4 {
                return Err(self.fail(format!("the pager holds {} entries", pager.held())));
            }
            if failed {
                break;
            }
        }
        Ok(())
    }

    fn register_webhook(&mut self) -> Checked {
        let secret = WebhookSecret::new("whsec_simulation_0123456789abcdefghijkl")
            .map_err(|e| self.fail(e.to_string()))?;
        let register = RegisterWebhook::new("http://127.0.0.1:9/hooks", secret)
            .map_err(|e| self.fail(e.to_string()))?;
        self.call(register)?;
        Ok(())
    }

    /// The emulator's amount and direction of intent `id`.
    fn emulator_intent(&self, id: &IntentId) -> Option<(i64, Direction)> {
        self.network
            .emulator()
            .intents()
            .into_iter()
            .find(|intent| intent.id == *id)
            .map(|intent| (intent.amount, intent.direction))
    }

    /// A success named an intent the emulator holds, for the amount asked.
    fn holds(&self, id: &IntentId, amount: i64, what: &str) -> Checked {
        match self.emulator_intent(id) {
            Some((held, _)) if held == amount => Ok(()),
            Some((held, _)) => {
                Err(self.fail(format!("{what} named {id} for {held}, asked {amount}")))
            }
            None => Err(self.fail(format!("{what} named {id}, which Push does not hold"))),
        }
    }

    /// What holds whatever the last step was: one intent per key, refunds within their
    /// intents, the limiter within its limits and its memory.
    fn check_global(&self) -> Checked {
        let intents = self.network.emulator().intents();
        let mut keys = HashSet::new();
        let mut ids = HashSet::new();
        for intent in &intents {
            if !ids.insert(intent.id.clone()) {
                return Err(self.fail(format!("two intents with the id {}", intent.id)));
            }
            if let Some(key) = &intent.idempotency_key
                && !keys.insert(key.clone())
            {
                return Err(self.fail(format!("two intents for the idempotency key {key}")));
            }
            if let Some(refund) = &intent.refund
                && refund.amount > intent.amount
            {
                return Err(self.fail(format!(
                    "{} refunded {} of {}",
                    intent.id, refund.amount, intent.amount
                )));
            }
        }
        if let Some(limiter) = &self.limiter {
            self.check_limiter(limiter)?;
        }
        Ok(())
    }

    fn check_limiter(&self, limiter: &RateLimiter) -> Checked {
        let limits = limiter.limits();
        let window = limits.window;
        let entries = limiter.entries();
        if entries > 2 * (SLOTS as usize + 1) + 2 {
            return Err(self.fail(format!("the limiter holds {entries} entries")));
        }
        let sent = self.network.sent();
        let now = self.driver.now();
        let slot = window / SLOTS;
        let mut per_class: HashMap<RateClass, Vec<std::time::Instant>> = HashMap::new();
        for exchange in &sent {
            per_class
                .entry(exchange.class)
                .or_default()
                .push(exchange.at);
        }
        for (class, mut times) in per_class {
            let limit = match class {
                RateClass::Create => limits.create,
                _ => limits.read,
            } as usize;
            times.sort();
            for (i, first) in times.iter().enumerate() {
                let within = times[i..]
                    .iter()
                    .take_while(|at| at.saturating_duration_since(*first) < window)
                    .count();
                if within > limit {
                    return Err(self.fail(format!(
                        "{within} {class:?} requests within one window, over the limit of {limit}"
                    )));
                }
            }
            // A slot is counted only for a request that was sent (or someone else's, when the
            // server said so): a cancelled wait gives its slot back.
            if !self.network.spent_elsewhere() {
                let counted = limiter.counted(class, now);
                let since = now.checked_sub(window + 2 * slot);
                let real = sent
                    .iter()
                    .filter(|e| e.class == class)
                    .filter(|e| since.is_none_or(|since| e.answered.unwrap_or(e.at) > since))
                    .count() as u64;
                if counted > real {
                    return Err(self.fail(format!(
                        "the limiter counts {counted} {class:?} requests, {real} were sent"
                    )));
                }
            }
        }
        Ok(())
    }
}
