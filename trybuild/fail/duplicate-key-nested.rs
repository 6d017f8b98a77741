use ecsctx::event;

fn main() {
    let store_id = 7;
    event!(info, "webhook_received", keyloop = { store_id }, keyloop.store_id = 8);
}
