use ecsctx::event;

fn main() {
    let started: i64 = 1_733_400_000_000;
    event!(info, "job_started", event.start = started);
}
