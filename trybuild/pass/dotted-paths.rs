use ecsctx::event;

fn main() {
    let uid = "u-1";
    event!(
        info,
        "login",
        event.action = "user-login",
        event.outcome = "success",
        event.category = ["authentication", "web"],
        event.type = "start",
        event.kind = "event",
        event.created = "2024-05-01T12:30:00Z",
        user.id = uid,
        client.ip = "10.0.0.1",
        http.response.status_code = 200,
        tls.established = true,
        payment.orn = "ORN-1",
    );
}
