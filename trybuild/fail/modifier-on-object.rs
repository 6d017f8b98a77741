use ecsctx::event;

fn main() {
    event!(info, "webhook_received", keyloop:% = { store_id: 1 });
}
