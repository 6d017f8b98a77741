use ecsctx::event;

fn main() {
    event!(info, "payment_processed", amount = 100, currency = "KWD");
    event!(trace, "tick");
    event!(debug, "cache_miss", key = "user:7",);
    event!(warn, "slow_query", millis = 1500_u64, ratio = 0.75, ok = false);
}
