use ecsctx::event;

fn main() {
    let name = String::from("bob");
    event!(info, "login", user = name);
}
