use ecsctx::event;

fn main() {
    event!(info, "request_done", http.response.status_code = "200");
}
