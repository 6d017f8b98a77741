use ecsctx::bind;

fn main() {
    bind!(unscoped: session_id = "s-1", in: || ());
}
