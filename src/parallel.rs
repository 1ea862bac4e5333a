//! Splitting CPU-bound work over the device's cores with scoped threads.

/// `f(i, &items[i])` for every item, in order, on up to four threads.
///
/// Used where each item costs microseconds (decrypting and hashing log rows,
/// lower-casing text at unlock): enough to repay a thread per call of a few
/// thousand items, with no pool to keep alive between unlocks.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    map_from(64, items, f)
}

/// [`map`] for items that each cost milliseconds (decoding a photo): worth a
/// thread from two items on.
pub(crate) fn map_heavy<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    map_from(2, items, f)
}

fn map_from<T: Sync, R: Send>(
    min_items: usize,
    items: &[T],
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    if threads == 1 || items.len() < min_items {
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| f(i, item))
            .collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                scope.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, item)| f(c * chunk + i, item))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_and_indices() {
        let items: Vec<usize> = (0..1000).collect();
        let out = super::map(&items, |i, v| (i, v * 2));
        assert!(
            out.iter()
                .enumerate()
                .all(|(k, &(i, v))| k == i && v == k * 2)
        );
        let few: Vec<usize> = (0..5).collect();
        assert_eq!(super::map_heavy(&few, |i, v| i + v), vec![0, 2, 4, 6, 8]);
    }
}
