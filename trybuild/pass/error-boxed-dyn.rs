use ecsctx::event;

fn parse(s: &str) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
    Ok(s.parse()?)
}

fn main() {
    if let Err(err) = parse("x") {
        event!(error, "parse_failed", error = err);
    }
    let dyn_err: &dyn std::error::Error = &std::fmt::Error;
    event!(error, "fmt_failed", error = dyn_err);
}
