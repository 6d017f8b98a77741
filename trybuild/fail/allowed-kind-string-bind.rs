use ecsctx::bind;

fn main() {
    let kind = String::from("event");
    bind!(event.kind = kind);
}
