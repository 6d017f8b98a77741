//! Pre-rendered object trees: bound context and service metadata are rendered once, when
//! they are bound, into `"key":value` fragments that each line copies as they are.

use std::sync::Arc;

use super::entries::{has_segments, segment, Entries, Entry};
use super::escape;

/// One member of an object: its key, its rendered `"key":value`, and its children when
/// it is an object (so a deeper merge can still reach them).
#[derive(Debug)]
pub(crate) struct Child {
    pub(crate) key: Box<str>,
    pub(crate) rendered: Box<[u8]>,
    pub(crate) obj: Option<ObjNode>,
}

/// An object's members, sorted by key; children are shared between frames.
#[derive(Debug, Default, Clone)]
pub(crate) struct ObjNode {
    pub(crate) children: Vec<Arc<Child>>,
}

impl ObjNode {
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&Arc<Child>> {
        self.children
            .binary_search_by(|c| (*c.key).cmp(key))
            .ok()
            .map(|i| &self.children[i])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Nests sorted entries (see [`Entries::sort`]) into a tree.
    pub(crate) fn from_entries(e: &Entries) -> ObjNode {
        build(e, &e.list, 0)
    }

    /// `new` deep-merged over `old`: keys of `new` win, objects merge, the rest is shared.
    pub(crate) fn merge(old: &ObjNode, new: &ObjNode) -> ObjNode {
        if old.is_empty() {
            return new.clone();
        }
        if new.is_empty() {
            return old.clone();
        }
        let mut out = Vec::with_capacity(old.children.len() + new.children.len());
        let (mut i, mut j) = (0, 0);
        while i < old.children.len() || j < new.children.len() {
            let ord = match (old.children.get(i), new.children.get(j)) {
                (Some(a), Some(b)) => a.key.cmp(&b.key),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match ord {
                std::cmp::Ordering::Less => {
                    out.push(old.children[i].clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(new.children[j].clone());
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let (a, b) = (&old.children[i], &new.children[j]);
                    match (&a.obj, &b.obj) {
                        (Some(ao), Some(bo)) => {
                            out.push(Arc::new(object_child(&b.key, ObjNode::merge(ao, bo))))
                        }
                        _ => out.push(b.clone()),
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        ObjNode { children: out }
    }
}

fn build(e: &Entries, list: &[Entry], d: usize) -> ObjNode {
    let mut children = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let seg = segment(e.key(&list[i]), d);
        let mut j = i + 1;
        while j < list.len() && segment(e.key(&list[j]), d) == seg {
            j += 1;
        }
        let mut k = i;
        while k < j && has_segments(e.key(&list[k]), d + 1) {
            k += 1;
        }
        let child = if k == j {
            let mut r = Vec::new();
            write_key(&mut r, seg);
            r.extend_from_slice(e.val(&list[j - 1]));
            Child {
                key: seg.into(),
                rendered: r.into_boxed_slice(),
                obj: None,
            }
        } else {
            object_child(seg, build(e, &list[k..j], d + 1))
        };
        children.push(Arc::new(child));
        i = j;
    }
    ObjNode { children }
}

fn object_child(key: &str, obj: ObjNode) -> Child {
    let mut r = Vec::new();
    write_key(&mut r, key);
    r.push(b'{');
    for (n, c) in obj.children.iter().enumerate() {
        if n > 0 {
            r.push(b',');
        }
        r.extend_from_slice(&c.rendered);
    }
    r.push(b'}');
    Child {
        key: key.into(),
        rendered: r.into_boxed_slice(),
        obj: Some(obj),
    }
}

/// `"key":`
#[inline]
pub(crate) fn write_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    escape::escape_into(out, key);
    out.extend_from_slice(b"\":");
}
