use ecsctx::bind;

fn new_span_id() -> String {
    "00f067aa0ba902b7".into()
}

fn main() {
    let sid = "s-1";
    let m = "m-1";
    let addr: std::net::SocketAddr = "10.0.0.1:443".parse().unwrap();
    bind!(session_id = sid, merchant_id = m);
    bind!(span_id = new_span_id(), user_id = 42, ip = addr.ip());
    let store_id = 1;
    let enterprise_id = 2;
    bind!(labels.region = "eu-west-1", keyloop = { store_id, enterprise_id });
    bind!(ip = "127.0.0.1", orn = "ORN-1", pg_code = "PG", reference_number = "R-1");
    ecsctx::event!(info, "inside");
}
