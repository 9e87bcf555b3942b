//! Progressive lockouts after repeated failures (wrong passwords, wrong
//! admin tokens), one entry per key: the first `free` failures cost
//! nothing, each further one locks the key out for `base` seconds doubled
//! per failure, at most `cap`. While locked out, attempts are refused
//! before any work is done and do not count; a success clears the key.
//! Times are whole seconds of the portal clock.
//!
//! Memory is bounded: an entry is forgotten `forget` seconds after its
//! lockout ends; expired entries are swept every [`SWEEP_EVERY`] failures,
//! and a map that reaches `max_entries` first drops what has expired, then
//! the entries that were quietest the longest, down to nine tenths of the
//! cap. So a flood of distinct keys costs at most `max_entries` entries,
//! and can at worst make the quietest keys start over.
//!
//! Keys are the caller's to choose: `accounts` uses (blinded phone, client
//! network) pairs and client networks, `admin` client networks;
//! [`network`] gives an IPv6 client's /64, its subscriber prefix.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;

/// Sweep expired entries every this many failures recorded.
const SWEEP_EVERY: u64 = 1024;

/// The network a client address counts as: an IPv4 address itself (an
/// IPv4-mapped IPv6 address as its IPv4 address), an IPv6 address's /64.
pub fn network(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !0u128 << 64)),
        v4 => v4,
    }
}

/// When failures start to cost, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed before the first lockout.
    pub free: u32,
    /// The first lockout, seconds (doubled per further failure).
    pub base: i64,
    /// The longest lockout, seconds.
    pub cap: i64,
    /// An entry is forgotten this long after its lockout ends, seconds.
    pub forget: i64,
    /// At most this many entries are kept.
    pub max_entries: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    /// Refused until then (exclusive).
    locked_until: i64,
    /// Forgotten from then.
    expires: i64,
}

/// Failures per key.
pub struct Throttle<K> {
    policy: Policy,
    entries: Mutex<Entries<K>>,
}

struct Entries<K> {
    map: HashMap<K, Entry>,
    recorded: u64,
}

impl<K: Eq + Hash + Clone> Throttle<K> {
    pub fn new(policy: Policy) -> Throttle<K> {
        Throttle {
            policy,
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                recorded: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<K>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whole seconds `key` is still locked out for at `now`, if it is.
    pub fn blocked(&self, key: &K, now: i64) -> Option<u64> {
        let entries = self.lock();
        let entry = entries.map.get(key)?;
        (now < entry.locked_until)
            .then(|| u64::try_from(entry.locked_until.saturating_sub(now)).unwrap_or(1))
    }

    /// Records a failure of `key` at `now`; the lockout it now has, seconds
    /// (0 while failures are still free).
    pub fn fail(&self, key: K, now: i64) -> i64 {
        let policy = self.policy;
        let mut entries = self.lock();
        entries.recorded = entries.recorded.wrapping_add(1);
        if entries.recorded % SWEEP_EVERY == 0 {
            entries.map.retain(|_, e| e.expires > now);
        }
        if !entries.map.contains_key(&key) && entries.map.len() >= policy.max_entries {
            make_room(&mut entries.map, policy.max_entries, now);
        }
        let entry = entries.map.entry(key).or_insert(Entry {
            failures: 0,
            locked_until: now,
            expires: now,
        });
        if entry.expires <= now {
            *entry = Entry {
                failures: 0,
                locked_until: now,
                expires: now,
            };
        }
        entry.failures = entry.failures.saturating_add(1);
        let lockout = lockout(&policy, entry.failures);
        entry.locked_until = now.saturating_add(lockout);
        entry.expires = entry.locked_until.saturating_add(policy.forget.max(1));
        lockout
    }

    /// Forgets `key`'s failures (a success).
    pub fn clear(&self, key: &K) {
        self.lock().map.remove(key);
    }

    /// Entries kept now (for tests and stats).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no key has failures now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The lockout after the `failures`-th failure, seconds.
fn lockout(policy: &Policy, failures: u32) -> i64 {
    let Some(over) = failures.checked_sub(policy.free) else {
        return 0;
    };
    if over == 0 {
        return 0;
    }
    let doublings = (over - 1).min(62);
    policy
        .base
        .max(1)
        .checked_mul(1i64 << doublings)
        .unwrap_or(i64::MAX)
        .min(policy.cap.max(1))
}

/// Drops expired entries, then the quietest, down to 9/10 of `max`.
fn make_room<K: Eq + Hash + Clone>(map: &mut HashMap<K, Entry>, max: usize, now: i64) {
    map.retain(|_, e| e.expires > now);
    let target = max - max / 10;
    if map.len() < max {
        return;
    }
    let mut by_expiry: Vec<(i64, K)> = map.iter().map(|(k, e)| (e.expires, k.clone())).collect();
    by_expiry.sort_unstable_by_key(|(expires, _)| *expires);
    let excess = map.len().saturating_sub(target);
    for (_, key) in by_expiry.into_iter().take(excess) {
        map.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            free: 3,
            base: 2,
            cap: 60,
            forget: 100,
            max_entries: 1000,
        }
    }

    #[test]
    fn free_failures_then_doubling_lockouts_up_to_the_cap() {
        let t = Throttle::new(policy());
        let mut now = 1_000;
        let mut lockouts = Vec::new();
        for _ in 0..10 {
            assert_eq!(t.blocked(&"k", now), None);
            let l = t.fail("k", now);
            lockouts.push(l);
            if l > 0 {
                assert_eq!(t.blocked(&"k", now), Some(l as u64));
                assert_eq!(t.blocked(&"k", now + l - 1), Some(1));
                assert_eq!(t.blocked(&"other", now), None);
            }
            now += l;
        }
        assert_eq!(lockouts, [0, 0, 0, 2, 4, 8, 16, 32, 60, 60]);
        // A success clears; so does a quiet spell past `forget`.
        t.clear(&"k");
        assert_eq!(t.fail("k", now), 0);
        for _ in 0..3 {
            t.fail("k", now);
        }
        assert!(t.blocked(&"k", now).is_some());
        assert_eq!(t.fail("k", now + 2 + 60 + 101), 0);
    }

    #[test]
    fn extreme_counts_and_times_do_not_overflow() {
        let p = Policy {
            free: 0,
            base: i64::MAX,
            cap: i64::MAX,
            forget: i64::MAX,
            max_entries: 10,
        };
        assert_eq!(lockout(&p, u32::MAX), i64::MAX);
        let t = Throttle::new(p);
        assert_eq!(t.fail(1, i64::MAX - 5), i64::MAX);
        assert_eq!(t.blocked(&1, i64::MAX - 5), Some(5));
        assert_eq!(t.fail(2, i64::MIN), i64::MAX);
    }

    #[test]
    fn a_flood_of_distinct_keys_stays_under_the_cap() {
        let t = Throttle::new(Policy {
            max_entries: 100,
            ..policy()
        });
        // A locked key, then 10,000 distinct ones failing once each.
        for _ in 0..5 {
            t.fail(u32::MAX, 0);
        }
        for k in 0..10_000u32 {
            t.fail(k, 1);
            assert!(t.len() <= 100);
        }
        // Expired entries go first: long after, the map empties as it fills.
        for k in 0..100u32 {
            t.fail(k + 20_000, 1_000_000);
        }
        assert!(t.len() <= 100);
        assert_eq!(t.blocked(&5, 1_000_000), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network(a), network(b));
        assert_ne!(network(a), network(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(network(mapped), IpAddr::from([192, 0, 2, 7]));
        assert_ne!(
            network(IpAddr::from([192, 0, 2, 7])),
            network(IpAddr::from([192, 0, 2, 8]))
        );
    }
}
