ecsctx::events! {
    pub RESPONSE_SENT = "http.response_sent" { required: { http.response.status } }
}

fn main() {}
