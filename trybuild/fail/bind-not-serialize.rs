use ecsctx::bind;

struct Session {
    id: u64,
}

fn main() {
    let session = Session { id: 1 };
    bind!(session = session);
    let _ = session.id;
}
