use ecsctx::bind;

fn main() {
    let total: u32 = bind!(session_id = "s-1", in: || 40 + 2);
    assert_eq!(total, 42);
}
