use ecsctx::event;

fn main() {
    let amount = 100;
    let currency = "KWD";
    event!(info, "payment_processed", amount, currency);
}
