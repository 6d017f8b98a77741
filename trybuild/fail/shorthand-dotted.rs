use ecsctx::event;

fn main() {
    let id = 7;
    event!(info, "login", user.id);
    let _ = id;
}
