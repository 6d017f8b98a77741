use ecsctx::event;

fn main() {
    event!(info, "login", log.level = "warn");
}
