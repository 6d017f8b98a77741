use ecsctx::event;

fn main() {
    event!(info, "handshake_done", tls.established = "yes");
}
