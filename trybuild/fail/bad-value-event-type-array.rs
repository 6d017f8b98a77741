use ecsctx::event;

fn main() {
    event!(info, "login", event.type = ["info", "login"]);
}
