use ecsctx::event;

fn main() {
    let id = 7;
    event!(info, "login", user = format!("user-{id}"));
}
