//! `tracing` events inside an OpenTelemetry span carry that span's ids (feature
//! `opentelemetry`): `tracing-opentelemetry`'s layer with the SDK tracer, then ecsctx's.
#![cfg(feature = "opentelemetry")]

use std::sync::Mutex;

use ecsctx::integrations::tracing::TracingLayer;
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

/// The raw lines written (this test binary installs the logger once).
static RAW: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Raw;
impl ecsctx::sink::Sink for Raw {
    fn write_line(&self, line: &[u8]) -> std::io::Result<()> {
        RAW.lock()
            .unwrap()
            .push(String::from_utf8_lossy(line).into_owned());
        Ok(())
    }
}

#[test]
fn events_in_an_otel_span_carry_its_trace_and_span_ids() {
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("checkout")))
        .with(TracingLayer::new());
    let tc = ecsctx::trace::TraceContext::new_root();
    let mut ids = Vec::new();
    ecsctx::Builder::new().with_sink(Raw).init();
    {
        let _c = ecsctx::context::bind(ecsctx::context::Fields::new().with_trace(tc.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("before the span");
            let span = tracing::info_span!("request", session_id = "s-1");
            let _e = span.enter();
            tracing::info!(amount = 100, "in the span");
            let inner = tracing::info_span!("db");
            {
                let _i = inner.enter();
                tracing::info!("in the inner span");
            }
            for s in [&span, &inner] {
                let cx = s.context();
                let sc = cx.span().span_context().clone();
                ids.push((sc.trace_id().to_string(), sc.span_id().to_string()));
            }
        })
    }
    let raw = RAW.lock().unwrap().clone();
    let lines: Vec<serde_json::Value> = raw
        .iter()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    // Outside an OpenTelemetry span: ecsctx's own trace context.
    assert_eq!(lines[0]["trace"]["id"], tc.trace_id().to_string());
    // Inside: the OpenTelemetry span's ids, one trace for both spans.
    let (trace, outer) = &ids[0];
    let (trace_inner, inner) = &ids[1];
    assert_eq!(trace, trace_inner);
    assert_ne!(trace, &tc.trace_id().to_string());
    assert_eq!(lines[1]["trace"]["id"], trace.as_str());
    assert_eq!(lines[1]["span"]["id"], outer.as_str());
    assert_eq!(lines[1]["session_id"], "s-1");
    assert_eq!(lines[1]["extra"]["amount"], 100);
    assert_eq!(lines[2]["trace"]["id"], trace.as_str());
    assert_eq!(lines[2]["span"]["id"], inner.as_str());
    // Each id once: no second `trace` object, no `extra.trace`.
    for (l, text) in lines.iter().zip(&raw) {
        assert_eq!(text.matches("\"trace\":").count(), 1, "{text}");
        assert_eq!(text.matches("\"span\":").count(), 1, "{text}");
        assert!(
            l.get("extra").and_then(|e| e.get("trace")).is_none(),
            "{text}"
        );
    }
}
