use ecsctx::event;

fn main() {
    event!(info, "request_done", http.response.bytes = 1.5);
}
