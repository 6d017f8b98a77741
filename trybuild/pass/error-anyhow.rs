use ecsctx::event;

fn main() {
    let err = anyhow::anyhow!("boom").context("charging card");
    event!(error, "charge_failed", error = err);
}
