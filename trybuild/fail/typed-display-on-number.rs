use ecsctx::event;

fn main() {
    let code = 200u16;
    event!(info, "x", http.response.status_code:% = code);
}
