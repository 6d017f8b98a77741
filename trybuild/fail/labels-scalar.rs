use ecsctx::event;

fn main() {
    event!(info, "deployed", labels = "eu-west-1");
}
