use ecsctx::event;

fn main() {
    let peer: std::net::SocketAddr = "127.0.0.1:80".parse().unwrap();
    event!(info, "x", source.ip = peer);
}
