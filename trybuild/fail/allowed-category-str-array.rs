use ecsctx::event;

fn main() {
    let cat = "web";
    event!(info, "x", event.category = [cat]);
}
