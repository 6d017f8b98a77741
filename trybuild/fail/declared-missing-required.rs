ecsctx::events! {
    pub PG_RESPONSE_RECEIVED = "pg.response_received" { required: { payment.pg_code, session_id } }
}

fn main() {
    ecsctx::event!(info, PG_RESPONSE_RECEIVED, session_id = "s-1");
}
