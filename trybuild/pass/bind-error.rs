use ecsctx::bind;

fn main() {
    let err = std::io::Error::other("boom");
    bind!(error = err);
    let mut user = std::collections::BTreeMap::new();
    user.insert("name", "bob");
    bind!(user = user);
}
