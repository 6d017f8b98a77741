use ecsctx::bind;

fn main() {
    bind!(user_id = 42, user.id = 43);
}
