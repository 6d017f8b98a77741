use ecsctx::event;

fn main() {
    let err = std::io::Error::other("boom");
    event!(error, "write_failed", error:% = err);
}
