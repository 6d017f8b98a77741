use ecsctx::event;

fn main() {
    let t = 1.5f64;
    event!(info, "x", event.duration = t);
}
