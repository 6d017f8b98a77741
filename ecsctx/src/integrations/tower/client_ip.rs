//! The client IP, the way `django-ipware` finds it, but safe by default: the peer address
//! unless the peer is a trusted proxy; forwarding headers are read only from trusted
//! proxies, and a malformed header is ignored as a whole (never half-trusted).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use http::HeaderMap;

/// An IP network in CIDR notation (`10.0.0.0/8`, `fd00::/8`; a bare address is a
/// single-host network), for [`EcsLayer::with_trusted_proxies`](super::EcsLayer::with_trusted_proxies).
///
/// # Examples
/// ```
/// use ecsctx::integrations::tower::Cidr;
/// let net: Cidr = "10.0.0.0/8".parse().unwrap();
/// assert!(net.contains("10.1.2.3".parse().unwrap()));
/// assert!(!net.contains("11.0.0.1".parse().unwrap()));
/// assert!("10.0.0.0/33".parse::<Cidr>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

/// Why a [`Cidr`] did not parse.
///
/// # Examples
/// ```
/// let err = "not-a-net".parse::<ecsctx::integrations::tower::Cidr>().unwrap_err();
/// assert!(err.to_string().contains("CIDR"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseCidrError(());

impl fmt::Display for ParseCidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid CIDR network: expected `ADDR` or `ADDR/PREFIX` (`10.0.0.0/8`, `fd00::/8`)")
    }
}

impl std::error::Error for ParseCidrError {}

impl FromStr for Cidr {
    type Err = ParseCidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().map_err(|_| ParseCidrError(()))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|&p| p <= max)
                .ok_or(ParseCidrError(()))?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Cidr {
    /// Whether `ip` is in this network (IPv4-mapped IPv6 addresses count as IPv4).
    ///
    /// # Examples
    /// ```
    /// let lo: ecsctx::integrations::tower::Cidr = "127.0.0.0/8".parse().unwrap();
    /// assert!(lo.contains("::ffff:127.0.0.1".parse().unwrap()));
    /// ```
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Which peers may set the forwarding headers.
#[derive(Clone, Debug, Default)]
pub(crate) enum Trust {
    /// Only the peer address counts (the default).
    #[default]
    None,
    /// This many proxies (at least one) stand in front of the service; the peer is the
    /// last of them.
    Count(usize),
    /// Proxies whose addresses are in these networks.
    Cidrs(Vec<Cidr>),
}

/// More entries than this in a forwarding header means it is ignored.
const MAX_HOPS: usize = 32;
/// A forwarding header longer than this is ignored.
const MAX_HEADER_LEN: usize = 4096;

impl Trust {
    fn trusts(&self, ip: IpAddr) -> bool {
        match self {
            Trust::None => false,
            Trust::Count(_) => true,
            Trust::Cidrs(nets) => nets.iter().any(|n| n.contains(ip)),
        }
    }

    /// The client address: the peer, or what the trusted proxies say.
    pub(crate) fn resolve(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(|p| p.to_canonical());
        match self {
            Trust::None => return peer,
            Trust::Count(0) => return peer,
            Trust::Count(_) => {}
            Trust::Cidrs(_) => {
                if !peer.is_some_and(|p| self.trusts(p)) {
                    return peer;
                }
            }
        }
        if let Some(chain) = joined(headers, "x-forwarded-for").and_then(|s| parse_xff(&s)) {
            if let Some(ip) = self.pick(&chain) {
                return Some(ip);
            }
        }
        if let Some(chain) = joined(headers, "forwarded").and_then(|s| parse_forwarded(&s)) {
            if let Some(ip) = self.pick(&chain) {
                return Some(ip);
            }
        }
        if let Some(ip) = single(headers, "x-real-ip").and_then(parse_node) {
            return Some(ip);
        }
        peer
    }

    /// The client in a chain of hops (client first, the last proxy's peer last).
    fn pick(&self, chain: &[IpAddr]) -> Option<IpAddr> {
        match self {
            Trust::None => None,
            // With n proxies, the last n entries were appended by them; the n-th from the
            // right is what our outermost proxy saw. Fewer entries: spoofed or broken.
            Trust::Count(n) => chain.len().checked_sub(*n).map(|i| chain[i]),
            // Right to left, skipping our own proxies; the first other address is the
            // client. All trusted: the leftmost.
            Trust::Cidrs(_) => chain
                .iter()
                .rev()
                .find(|ip| !self.trusts(**ip))
                .or(chain.first())
                .copied(),
        }
    }
}

/// All values of a header joined with `,` (RFC 9110 list semantics); `None` when absent,
/// not visible ASCII or too long.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut out = String::new();
    for v in headers.get_all(name) {
        let s = v.to_str().ok()?;
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(s);
        if out.len() > MAX_HEADER_LEN {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn single<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut it = headers.get_all(name).iter();
    let v = it.next()?;
    if it.next().is_some() {
        return None; // two values: ambiguous, ignore
    }
    v.to_str().ok().filter(|s| s.len() <= 256)
}

fn parse_xff(s: &str) -> Option<Vec<IpAddr>> {
    let mut out = Vec::new();
    for part in s.split(',') {
        if out.len() == MAX_HOPS {
            return None;
        }
        out.push(parse_node(part)?);
    }
    Some(out)
}

/// RFC 7239: `for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"`. Every element must
/// have exactly one parseable `for=`, or the whole header is ignored.
fn parse_forwarded(s: &str) -> Option<Vec<IpAddr>> {
    let mut out = Vec::new();
    for element in s.split(',') {
        if out.len() == MAX_HOPS {
            return None;
        }
        let mut found = None;
        for pair in element.split(';') {
            let (k, v) = pair.split_once('=')?;
            if k.trim().eq_ignore_ascii_case("for") {
                if found.is_some() {
                    return None;
                }
                found = Some(parse_node(v)?);
            }
        }
        out.push(found?);
    }
    Some(out)
}

/// One hop: `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:80`,
/// optionally quoted. `unknown` and obfuscated identifiers are not addresses.
fn parse_node(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    let s = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (addr, tail) = rest.split_once(']')?;
        if !(tail.is_empty() || valid_port(tail.strip_prefix(':')?)) {
            return None;
        }
        return addr
            .parse::<Ipv6Addr>()
            .ok()
            .map(|a| IpAddr::V6(a).to_canonical());
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    let (addr, port) = s.split_once(':')?;
    if !valid_port(port) {
        return None;
    }
    addr.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

fn valid_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(*k, HeaderValue::from_static(v));
        }
        m
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }
    fn nets(list: &[&str]) -> Trust {
        Trust::Cidrs(list.iter().map(|s| s.parse().unwrap()).collect())
    }

    #[test]
    fn peer_by_default_headers_ignored() {
        let hs = h(&[("x-forwarded-for", "1.1.1.1"), ("x-real-ip", "2.2.2.2")]);
        assert_eq!(Trust::None.resolve(Some(ip("9.9.9.9")), &hs), Some(ip("9.9.9.9")));
        assert_eq!(Trust::None.resolve(None, &hs), None);
    }

    #[test]
    fn count_picks_nth_from_right() {
        let hs = h(&[("x-forwarded-for", "6.6.6.6, 1.1.1.1, 10.0.0.2")]);
        let peer = Some(ip("10.0.0.3"));
        assert_eq!(Trust::Count(1).resolve(peer, &hs), Some(ip("10.0.0.2")));
        assert_eq!(Trust::Count(2).resolve(peer, &hs), Some(ip("1.1.1.1")));
        // More proxies than entries: header ignored.
        assert_eq!(Trust::Count(5).resolve(peer, &hs), peer);
    }

    #[test]
    fn multiple_xff_headers_are_one_list() {
        let hs = h(&[("x-forwarded-for", "6.6.6.6, 1.1.1.1"), ("x-forwarded-for", "10.0.0.2")]);
        assert_eq!(Trust::Count(2).resolve(None, &hs), Some(ip("1.1.1.1")));
    }

    #[test]
    fn cidr_walks_right_to_left() {
        let t = nets(&["10.0.0.0/8"]);
        let hs = h(&[("x-forwarded-for", "6.6.6.6, 1.1.1.1, 10.0.0.2")]);
        assert_eq!(t.resolve(Some(ip("10.0.0.3")), &hs), Some(ip("1.1.1.1")));
        // Untrusted peer: its headers mean nothing.
        assert_eq!(t.resolve(Some(ip("8.8.8.8")), &hs), Some(ip("8.8.8.8")));
        // All trusted: the leftmost.
        let hs = h(&[("x-forwarded-for", "10.1.1.1, 10.0.0.2")]);
        assert_eq!(t.resolve(Some(ip("10.0.0.3")), &hs), Some(ip("10.1.1.1")));
    }

    #[test]
    fn malformed_headers_are_ignored_whole() {
        let t = Trust::Count(1);
        let peer = Some(ip("10.0.0.3"));
        for bad in ["", "not-an-ip", "1.1.1.1, , 2.2.2.2", "1.1.1.1, unknown", "1.1.1.1:99999x"] {
            let hs = h(&[("x-forwarded-for", bad)]);
            assert_eq!(t.resolve(peer, &hs), peer, "{bad:?}");
        }
        let many = vec!["1.1.1.1"; 40].join(",");
        let mut hs = HeaderMap::new();
        hs.insert("x-forwarded-for", HeaderValue::from_str(&many).unwrap());
        assert_eq!(t.resolve(peer, &hs), peer);
    }

    #[test]
    fn forwarded_and_real_ip() {
        let t = Trust::Count(1);
        let hs = h(&[(
            "forwarded",
            "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(t.resolve(None, &hs), Some(ip("2001:db8:cafe::17")));
        let hs = h(&[("forwarded", "for=_hidden, for=1.2.3.4")]);
        assert_eq!(t.resolve(Some(ip("10.0.0.1")), &hs), Some(ip("10.0.0.1")));
        let hs = h(&[("x-real-ip", "5.6.7.8")]);
        assert_eq!(t.resolve(Some(ip("10.0.0.1")), &hs), Some(ip("5.6.7.8")));
        let hs = h(&[("x-real-ip", "5.6.7.8"), ("x-real-ip", "5.6.7.9")]);
        assert_eq!(t.resolve(Some(ip("10.0.0.1")), &hs), Some(ip("10.0.0.1")));
    }

    #[test]
    fn nodes() {
        assert_eq!(parse_node("1.2.3.4:8080"), Some(ip("1.2.3.4")));
        assert_eq!(parse_node("[::1]:80"), Some(ip("::1")));
        assert_eq!(parse_node("::ffff:1.2.3.4"), Some(ip("1.2.3.4")));
        assert_eq!(parse_node("[::1]x"), None);
        assert_eq!(parse_node("unknown"), None);
    }

    #[test]
    fn cidr_edges() {
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("255.1.2.3")));
        assert!(!all.contains(ip("::2")));
        let one: Cidr = "::1".parse().unwrap();
        assert!(one.contains(ip("::1")) && !one.contains(ip("::2")));
        assert_eq!(one.to_string(), "::1/128");
    }
}
