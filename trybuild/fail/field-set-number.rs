use ecsctx::event;

fn main() {
    let port: u16 = 8080;
    event!(info, "connected", client = port);
}
