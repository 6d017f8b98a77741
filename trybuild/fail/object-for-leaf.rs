use ecsctx::event;

fn main() {
    event!(info, "login", user.name = { first: "Ada" });
}
