//! Work spread over the machine's cores, but only when there is more than one
//! piece: handing a single piece to rayon's pool costs a thread wake-up each
//! way (about a tenth of a publish) and gains nothing.

use rayon::prelude::*;

/// `work` on each item, in order: across the cores for two or more items, on
/// the caller's thread for one.
pub fn map_each<T, R>(items: &[T], work: impl Fn(&T) -> R + Sync + Send) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    match items {
        [one] => vec![work(one)],
        [] | [_, _, ..] => items.par_iter().map(work).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_item_runs_on_the_callers_thread_and_many_keep_their_order() {
        let caller = std::thread::current().id();
        let on_caller = map_each(&[1], |_| std::thread::current().id() == caller);
        assert_eq!(on_caller, [true]);
        let items: Vec<u32> = (0..1_000).collect();
        let doubled = map_each(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(map_each(&[] as &[u32], |n| *n).is_empty());
    }
}
