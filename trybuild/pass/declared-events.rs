use ecsctx::ecs::Outcome;
use ecsctx::event;

#[derive(Debug)]
pub enum PgFailure {
    Timeout,
    Declined,
}

mod events {
    ecsctx::events! {
        /// A PSP replied.
        pub PG_RESPONSE_RECEIVED = "pg.response_received" {
            kind: event, category: [network], type: [connection],
            terminal,
            required: { payment.pg_code },
            reasons: super::PgFailure,
        }
        pub(crate) REFUND_SENT = "payment.refund_sent" { kind: event, category: [web, network], type: [info] };
        pub JOB_RUN_COMPLETED = "jobs.run_completed",
    }
}

mod snake_case {
    ecsctx::events! {
        #![naming = "snake"]
        pub CACHE_WARMUP = "cache.warmup" {}
    }
}

fn main() {
    let code = String::from("knet");
    event!(warn, events::PG_RESPONSE_RECEIVED, outcome = Outcome::Failure, reason = PgFailure::Declined, payment.pg_code = code);
    event!(info, events::PG_RESPONSE_RECEIVED, outcome = Outcome::Success, payment = { pg_code: "knet" }, latency_ms = 12);
    event!(target: "audit", info, events::REFUND_SENT, amount = 100, user.id = "u-1");
    event!(info, events::JOB_RUN_COMPLETED, outcome = "success");
    event!(debug, snake_case::CACHE_WARMUP);
    let t = ecsctx::timed(events::JOB_RUN_COMPLETED);
    t.finish(Outcome::Unknown);
    let _ = PgFailure::Timeout;
    assert_eq!(events::catalog().len(), 3);
    assert_eq!(snake_case::catalog()[0].action, "cache.warmup");
}
