use ecsctx::event;

fn main() {
    let peer: std::net::SocketAddr = "127.0.0.1:80".parse().unwrap();
    // One socket address is written as its IP; a list of them is not taken apart.
    event!(info, "x", related.ip = [peer]);
}
