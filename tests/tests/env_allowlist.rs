//! `ECSCTX_ROOT_FIELDS` and the service variables are read from the environment.
//! (Its own test binary: it sets process environment variables.)

mod common;

use ecsctx::Builder;
use log::kv::Value as KV;

#[test]
fn allowlist_and_service_metadata_from_env() {
    std::env::set_var("ECSCTX_ROOT_FIELDS", "tenant, order ,");
    std::env::set_var("SERVICE_TYPE", "worker");
    std::env::set_var("APP_VERSION", "2.3.4");
    std::env::set_var("ENVIRONMENT", "staging");
    std::env::remove_var("PROJECT_NAME");
    let buf = common::Buf::default();
    let l = Builder::new().with_filter("info").with_masker(None).with_writer(buf.clone()).build();
    common::log_kv(&l, log::Level::Info, "e", &[
        ("tenant", KV::from("acme")),
        ("order.id", KV::from(7)),
        ("amount", KV::from(1)),
    ]);
    let v = &buf.lines()[0];
    assert_eq!(v["tenant"], "acme");
    assert_eq!(v["order"]["id"], 7);
    assert_eq!(v["extra"]["amount"], 1);
    assert_eq!(v["service"], serde_json::json!({"name": "worker", "version": "2.3.4", "environment": "staging"}));
    assert_eq!(v["project"]["name"], "unknown");
}
