use ecsctx::event;

fn main() {
    let b = true;
    event!(info, "x", file.code_signature.valid:? = b);
}
