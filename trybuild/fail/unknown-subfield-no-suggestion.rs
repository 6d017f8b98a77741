use ecsctx::event;

fn main() {
    event!(info, "webhook_received", http.store_id = 42);
}
