#[derive(Debug)]
enum PgFailure {
    Timeout,
}

ecsctx::events! {
    pub PG_RESPONSE_RECEIVED = "pg.response_received" { reasons: PgFailure }
}

fn main() {
    ecsctx::event!(warn, PG_RESPONSE_RECEIVED, reason:? = PgFailure::Timeout);
}
