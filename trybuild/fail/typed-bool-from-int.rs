use ecsctx::event;

fn main() {
    let n = 1u8;
    event!(info, "x", file.code_signature.valid = n);
}
