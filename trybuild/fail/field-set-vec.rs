use ecsctx::event;

fn main() {
    let hosts = vec!["a", "b"];
    event!(info, "deployed", host = hosts);
}
