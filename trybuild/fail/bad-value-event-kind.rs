use ecsctx::event;

fn main() {
    event!(info, "login", event.kind = "log");
}
