use ecsctx::event;

fn main() {
    let store_id = 7;
    let enterprise_id = "ent-1";
    event!(
        info,
        "webhook_received",
        http.request.method = "POST",
        keyloop = { store_id, enterprise_id, region: { name: "eu", zone: 2 } },
        http = { response: { status_code: 200 } },
        labels = { anything: { goes: "here" } },
    );
}
