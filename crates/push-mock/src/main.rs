//! `push-mock`: serve the Push emulator on loopback until interrupted.

use clap::Parser;
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, FaultConfig, MockServer};

/// Serve the Push API emulator on 127.0.0.1 until interrupted.
#[derive(Debug, Parser)]
#[command(name = "push-mock", version)]
struct Args {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The bearer token requests must carry.
    #[arg(long, env = "PUSH_MOCK_TOKEN", default_value = DEFAULT_TOKEN, hide_env_values = true)]
    token: String,
    /// Seed of the fault injection.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Share of requests that get a fault, 0.0 to 1.0.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    fault_rate: f64,
    /// Intents per list page.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
    page_size: u16,
    /// Intents to create at start, for listing.
    #[arg(long, default_value_t = 0)]
    seed_intents: usize,
}

fn parse_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("`{value}` is not a number from 0.0 to 1.0")),
    }
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let config = EmulatorConfig {
            token: args.token,
            page_size: usize::from(args.page_size),
            faults: FaultConfig::new(args.fault_rate, args.seed),
            seed_intents: args.seed_intents,
        };
        let emulator = Emulator::new(config);
        let server = MockServer::bind(emulator, args.port).await?;
        println!("{}", server.base_url());
        eprintln!(
            "push-mock serving on {} (Ctrl-C to stop)",
            server.base_url()
        );
        server
            .run_until(async { drop(tokio::signal::ctrl_c().await) })
            .await;
        Ok(())
    })
}
