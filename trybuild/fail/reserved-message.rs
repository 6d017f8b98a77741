use ecsctx::event;

fn main() {
    event!(info, "login", message = "user logged in");
}
