#![allow(deprecated)]

use ecsctx::event;

fn main() {
    event!(info, "login", ecs_event = { action: "user-login", outcome: "success" });
}
