use ecsctx::event;

fn main() {
    event!(info, "login", event.category = "webb");
}
