//! The masker allocates nothing for strings without PII, and nothing for a key-based
//! `generic` token or a card once the output buffer has room.

mod alloc_counter;
mod pii_common;

use ecsctx::mask::Masker;
use ecsctx::pii::PiiMasker;

#[global_allocator]
static A: alloc_counter::Counting = alloc_counter::Counting;
use alloc_counter::allocs;

#[test]
fn no_allocation_without_pii() {
    let m = PiiMasker::new().with_pii(pii_common::pii("prod"));
    let mut out = String::with_capacity(256);
    let cases = [
        ("extra.currency", "KWD"),
        ("url.path", "/v1/payments/checkout?session=abc-def"),
        ("service.name", "checkout"),
        ("extra.gateway_name", "knet"),
        (
            "message",
            "payment processed in 812 ms for order ORD-2024-01-01",
        ),
        ("extra.customer_name", "John Doe"),
        ("extra.note", "paid with 4111 1111 1111 1111"),
        ("headers.authorization", "Bearer abcdefghijklmnop1234"),
    ];
    // Warm up (lazily computed state, thread-locals).
    for (p, v) in cases {
        out.clear();
        m.mask_str(p, v, &mut out);
    }
    for (p, v) in cases {
        let before = allocs();
        out.clear();
        m.mask_str(p, v, &mut out);
        assert_eq!(allocs() - before, 0, "{p} = {v:?} allocated");
    }
}
