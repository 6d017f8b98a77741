use ecsctx::ecs::{Category, EventKind, EventType, Outcome};
use ecsctx::{bind, event};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

fn main() {
    let status: u16 = 200;
    let bytes: usize = 1024;
    let took = std::time::Duration::from_millis(3).as_nanos();
    let maybe: Option<i64> = None;
    let usage = 0.25f64;
    let count = 3u32;
    let valid = true;
    let ip: IpAddr = "203.0.113.9".parse().unwrap();
    let v4 = Ipv4Addr::LOCALHOST;
    let v6 = Ipv6Addr::LOCALHOST;
    let peer: SocketAddr = "127.0.0.1:80".parse().unwrap();
    let related = vec![ip, IpAddr::V4(v4)];
    let header = String::from("203.0.113.7");
    event!(
        info,
        "responded",
        http.response.status_code = status,
        http.response.body.bytes = bytes,
        event.duration = took,
        process.pid = maybe,
        host.cpu.usage = usage,
        host.network.ingress.bytes = count,
        file.code_signature.valid = valid,
        client.ip = ip,
        server.ip = v4,
        destination.ip = v6,
        source.ip = peer.ip(),
        related.ip:serde = related,
        // Text that may not be an address: explicitly a string, checked when written.
        host.ip:% = header
    );
    // The fields whose values ECS fixes take the enums of `ecsctx::ecs`.
    let approved = status < 400;
    let outcome = if approved { Outcome::Success } else { Outcome::Failure };
    let category = Category::Web;
    let types = vec![EventType::Access, EventType::Allowed];
    event!(
        info,
        "payment_authorized",
        event.outcome = outcome,
        event.kind = EventKind::Event,
        event.category = [category, Category::Authentication],
        event.type = types,
        event.action = "authorize"
    );
    let parsed: Outcome = "failure".parse().unwrap();
    bind!(event.outcome = parsed, event.category = ["web"]);
    // Text parsed once into a checked address.
    let forwarded: ecsctx::ecs::Ip = header.parse().unwrap();
    event!(info, "forwarded", client.ip = forwarded);
    bind!(ip = forwarded);
    // A time at a `date` field, written as RFC 3339.
    let started = std::time::SystemTime::now();
    event!(info, "job_finished", event.start = started, event.end = std::time::SystemTime::now());
    bind!(event.created = started);
    // A number is a number at a float field too.
    event!(info, "sampled", host.cpu.usage = count);
    bind!(ip = ip, http.response.status_code = status, related.ip = [ip]);
    event!(info, "inside");
}
