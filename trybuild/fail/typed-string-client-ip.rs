use ecsctx::event;

fn main() {
    let ip = String::from("localhost");
    event!(info, "x", client.ip = ip);
}
