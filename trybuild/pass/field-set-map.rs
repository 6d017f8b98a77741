use ecsctx::event;

use std::collections::{BTreeMap, HashMap};

fn main() {
    let mut user = BTreeMap::new();
    user.insert("name", "bob");
    let mut http: HashMap<String, u32> = HashMap::new();
    http.insert("version".into(), 2);
    let mut client = serde_json::Map::new();
    client.insert("ip".into(), "10.0.0.1".into());
    event!(info, "login", user = user, http = &http, client = client, labels = user);
    let mut err = BTreeMap::new();
    err.insert("message", "boom");
    event!(error, "failed", error = err);
}
