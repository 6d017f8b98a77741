use ecsctx::event;

fn main() {
    let took = "1.5";
    event!(info, "x", host.cpu.usage = took);
}
