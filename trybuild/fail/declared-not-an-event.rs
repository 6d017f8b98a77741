#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
struct PAYMENT_CAPTURED;

fn main() {
    let _ = PAYMENT_CAPTURED;
    ecsctx::event!(info, PAYMENT_CAPTURED, amount = 100);
}
