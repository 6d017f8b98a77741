use ecsctx::event;

fn main() {
    event!(info, "x_done", r#type = "custom", error = { type: "Timeout", message: "t" });
}
