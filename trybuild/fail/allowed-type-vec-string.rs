use ecsctx::event;

fn main() {
    let types = vec![String::from("access")];
    event!(info, "x", event.type = types);
}
