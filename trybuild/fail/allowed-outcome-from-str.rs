use ecsctx::event;

fn main() {
    let outcome = "ok";
    event!(info, "x", event.outcome = outcome);
}
