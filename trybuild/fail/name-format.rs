use ecsctx::event;

fn main() {
    let id = 7;
    event!(info, format!("user {} logged in", id));
}
