use ecsctx::event;

fn main() {
    let result: Result<(), std::io::Error> = Ok(());
    event!(error, "write_failed", error = result);
}
