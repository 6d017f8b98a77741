use ecsctx::event;

fn main() {
    event!(info, "login", event.action = "user-login", event.outcome = "ok");
}
