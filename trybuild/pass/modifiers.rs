use ecsctx::event;

#[derive(Debug, serde::Serialize)]
struct Cart {
    items: u32,
}

fn main() {
    let limit = std::net::Ipv4Addr::LOCALHOST;
    let cart = Cart { items: 3 };
    event!(
        info,
        "checkout",
        limit:% = limit,
        shown:display = limit,
        cart_dbg:? = cart,
        cart_dbg2:debug = cart,
        cart:serde = cart,
        user:serde = cart,
        nested = { inner:% = limit },
    );
    event!(info, "checkout", limit:%, cart:?);
}
