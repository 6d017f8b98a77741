use ecsctx::bind;

async fn handle() -> u32 {
    7
}

fn main() {
    let fut = bind!(session_id = "s-1", user_id = 42, in_future: handle());
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(rt.block_on(fut), 7);
}
