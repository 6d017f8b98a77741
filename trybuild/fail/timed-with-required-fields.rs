ecsctx::events! {
    pub PG_RESPONSE_RECEIVED = "pg.response_received" { required: { payment.pg_code } }
}

fn main() {
    ecsctx::timed(PG_RESPONSE_RECEIVED).success();
}
