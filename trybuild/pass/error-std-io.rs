use ecsctx::event;

fn main() {
    let err = std::io::Error::other("disk full");
    event!(error, "write_failed", error = err);
    event!(error, "write_failed", error = &err);
    let r: Result<(), std::io::Error> = Err(err);
    if let Err(e) = &r {
        event!(error, "write_failed", error = e);
    }
}
