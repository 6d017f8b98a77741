//! Pre-rendered object trees: bound context and service metadata are rendered once, when
//! they are bound, into `"key":value` fragments that each line copies as they are.

use std::sync::Arc;

use super::entries::{Entries, Entry};
use super::escape;

/// One member of an object: its key, its rendered `"key":value`, and its children when
/// it is an object (so a deeper merge can still reach them).
#[derive(Debug)]
pub(crate) struct Child {
    pub(crate) key: Box<str>,
    pub(crate) rendered: Box<[u8]>,
    pub(crate) obj: Option<ObjNode>,
}

/// An object's members, sorted by key (children are shared between frames), plus all of
/// them rendered and joined by `,` so that runs of members are copied in one go.
#[derive(Debug, Default, Clone)]
pub(crate) struct ObjNode {
    pub(crate) children: Vec<Arc<Child>>,
    joined: Vec<u8>,
    /// Start of each child in `joined`.
    offsets: Vec<u32>,
}

impl ObjNode {
    pub(crate) fn new(children: Vec<Arc<Child>>) -> Self {
        let mut joined = Vec::new();
        let mut offsets = Vec::with_capacity(children.len());
        for (i, c) in children.iter().enumerate() {
            if i > 0 {
                joined.push(b',');
            }
            offsets.push(joined.len() as u32);
            joined.extend_from_slice(&c.rendered);
        }
        ObjNode {
            children,
            joined,
            offsets,
        }
    }

    /// The empty object (usable in statics).
    pub(crate) const EMPTY: ObjNode = ObjNode {
        children: Vec::new(),
        joined: Vec::new(),
        offsets: Vec::new(),
    };

    /// The index of the member `key`.
    #[inline]
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        self.children.binary_search_by(|c| (*c.key).cmp(key)).ok()
    }

    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&Arc<Child>> {
        self.find(key).map(|i| &self.children[i])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Members `a..b` as rendered, joined by `,` (no leading or trailing comma).
    #[inline]
    pub(crate) fn run(&self, a: usize, b: usize) -> &[u8] {
        let start = self.offsets[a] as usize;
        let end = if b < self.offsets.len() {
            self.offsets[b] as usize - 1
        } else {
            self.joined.len()
        };
        &self.joined[start..end]
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
        ObjNode::new(out)
    }
}

fn build(e: &Entries, list: &[Entry], d: usize) -> ObjNode {
    let mut children = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let seg = e.seg(&list[i], d);
        let mut j = i + 1;
        while j < list.len() && e.seg(&list[j], d) == seg {
            j += 1;
        }
        // Leaves (exactly d+1 segments) sort first in a group; an object wins over them.
        let mut k = i;
        while k < j && e.depth(&list[k]) == d + 1 {
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
    ObjNode::new(children)
}

fn object_child(key: &str, obj: ObjNode) -> Child {
    let mut r = Vec::with_capacity(key.len() + obj.joined.len() + 5);
    write_key(&mut r, key);
    r.push(b'{');
    r.extend_from_slice(&obj.joined);
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
