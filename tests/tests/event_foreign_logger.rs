//! `event!` when another `log` backend is installed: the backend gets a `log::Record`
//! with the event name as its message and every field as a typed key-value.

use std::collections::BTreeMap;
use std::sync::Mutex;

use log::kv::{Key, Value, VisitSource};
use log::{Log, Metadata, Record};

#[derive(Debug, Default, Clone, PartialEq)]
struct Seen {
    message: String,
    target: String,
    kvs: BTreeMap<String, String>,
}

static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

struct Foreign;

impl Log for Foreign {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        struct Collect<'a>(&'a mut BTreeMap<String, String>);
        impl<'kvs> VisitSource<'kvs> for Collect<'_> {
            fn visit_pair(&mut self, k: Key<'kvs>, v: Value<'kvs>) -> Result<(), log::kv::Error> {
                // The kind of value the backend sees, then its text.
                let kind = if v.to_i64().is_some() || v.to_u64().is_some() {
                    "int"
                } else if v.to_f64().is_some() {
                    "float"
                } else if v.to_bool().is_some() {
                    "bool"
                } else if v.to_borrowed_str().is_some() {
                    "str"
                } else {
                    "other"
                };
                self.0.insert(k.to_string(), format!("{kind}:{v}"));
                Ok(())
            }
        }
        let mut kvs = BTreeMap::new();
        record.key_values().visit(&mut Collect(&mut kvs)).unwrap();
        SEEN.lock().unwrap().push(Seen {
            message: record.args().to_string(),
            target: record.target().to_owned(),
            kvs,
        });
    }

    fn flush(&self) {}
}

#[test]
fn another_backend_gets_a_record_with_typed_values() {
    log::set_logger(&Foreign).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let ip: std::net::IpAddr = "203.0.113.9".parse().unwrap();
    let user = String::from("u-1");
    ecsctx::event!(
        info,
        "payment_processed",
        amount = 100,
        latency_ms = 12.5,
        ok = true,
        currency = "KWD",
        user.id = user,
        client.ip:% = ip,
        steps:? = [1, 2],
        keyloop = { store_id: 7u64 },
    );
    let seen = SEEN.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.message, "payment_processed");
    assert_eq!(s.target, module_path!());
    let kv = |k: &str| s.kvs.get(k).map(String::as_str);
    assert_eq!(kv("amount"), Some("int:100"));
    assert_eq!(kv("latency_ms"), Some("float:12.5"));
    assert_eq!(kv("ok"), Some("bool:true"));
    assert_eq!(kv("currency"), Some("str:KWD"));
    assert_eq!(kv("user.id"), Some("str:u-1"));
    assert_eq!(kv("client.ip"), Some("other:203.0.113.9"));
    assert_eq!(kv("steps"), Some("other:[1, 2]"));
    assert_eq!(kv("keyloop.store_id"), Some("int:7"));
}
