use ecsctx::bind;

fn main() {
    let code = String::from("500");
    bind!(http.response.status_code = code);
}
