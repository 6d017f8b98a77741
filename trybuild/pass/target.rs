use ecsctx::event;

fn main() {
    let uid = 42;
    let limit = 10;
    event!(target: "audit", warn, "limit_reached", user.id = uid, limit:% = limit);
    let target = String::from("dyn");
    event!(target: &target, info, "x_done");
}
