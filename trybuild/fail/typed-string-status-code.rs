use ecsctx::event;

fn main() {
    let code: String = "200".into();
    event!(info, "responded", http.response.status_code = code);
}
