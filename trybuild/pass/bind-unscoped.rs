use ecsctx::bind;

fn main() {
    bind!(unscoped: session_id = "s-1", limit:% = 5, dbg:? = (1, 2));
}
