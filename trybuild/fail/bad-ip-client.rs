use ecsctx::event;

fn main() {
    event!(info, "request_received", client.ip = "localhost");
}
