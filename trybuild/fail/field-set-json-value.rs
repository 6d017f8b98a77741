use ecsctx::event;

fn main() {
    let request = serde_json::json!({ "method": "GET" });
    event!(info, "webhook_received", http = request);
}
