use ecsctx::event;

fn main() {
    event!(info, "user {id} logged in");
}
