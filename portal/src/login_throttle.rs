//! Login throttling ([ADR 0012](../../docs/adr/0010-portal-abuse.md)):
//! failures count per (phone number, client network) pair, so wrong
//! passwords sent from one place never lock the owner out from another:
//! 5 free failures per pair, then a lockout of 1 s doubled per further
//! failure, at most 15 minutes, forgotten an hour after it ends or at the
//! pair's next success. A coarser count per client network across every
//! phone (50 free, then the same doubling up to 15 minutes) slows one place
//! guessing many phones; a success does not clear it.
//!
//! Phones are keyed by their blinded form (the HMAC the store uses), never
//! the number; networks are IPv4 addresses or IPv6 /64s
//! ([`crate::throttle::network`]). Both maps are bounded
//! ([`crate::throttle`]).

use crate::throttle::{network, Policy, Throttle};
use std::net::IpAddr;

/// Failures per pair before the first lockout.
pub const PAIR_FREE: u32 = 5;
/// Failures per client network, across phones, before the first lockout.
pub const NETWORK_FREE: u32 = 50;
/// The longest lockout, seconds.
pub const MAX_LOCKOUT: i64 = 15 * 60;
/// Entries kept at most, per map.
const MAX_ENTRIES: usize = 100_000;

/// One login attempt's keys.
#[derive(Debug, Clone)]
pub struct Attempt {
    pair: (String, IpAddr),
    network: IpAddr,
}

impl Attempt {
    /// `phone_key` is the blinded phone number.
    pub fn new(phone_key: &str, ip: IpAddr) -> Attempt {
        let network = network(ip);
        Attempt {
            pair: (phone_key.to_string(), network),
            network,
        }
    }
}

/// The two maps.
pub struct LoginThrottle {
    pairs: Throttle<(String, IpAddr)>,
    networks: Throttle<IpAddr>,
}

impl Default for LoginThrottle {
    fn default() -> LoginThrottle {
        let policy = |free| Policy {
            free,
            base: 1,
            cap: MAX_LOCKOUT,
            forget: 3600,
            max_entries: MAX_ENTRIES,
        };
        LoginThrottle {
            pairs: Throttle::new(policy(PAIR_FREE)),
            networks: Throttle::new(policy(NETWORK_FREE)),
        }
    }
}

impl LoginThrottle {
    /// Seconds to wait when this attempt is locked out now.
    pub fn blocked(&self, attempt: &Attempt, now: i64) -> Option<u64> {
        let pair = self.pairs.blocked(&attempt.pair, now);
        let network = self.networks.blocked(&attempt.network, now);
        pair.max(network)
    }

    /// A wrong password (or unknown phone).
    pub fn fail(&self, attempt: Attempt, now: i64) {
        self.networks.fail(attempt.network, now);
        self.pairs.fail(attempt.pair, now);
    }

    /// A correct password: the pair starts over.
    pub fn succeed(&self, attempt: &Attempt) {
        self.pairs.clear(&attempt.pair);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_elsewhere_never_lock_the_owner_out() {
        let t = LoginThrottle::default();
        let attacker = Attempt::new("phone-a", IpAddr::from([203, 0, 113, 9]));
        let owner = Attempt::new("phone-a", IpAddr::from([198, 51, 100, 7]));
        let mut now = 0;
        for _ in 0..40 {
            if let Some(wait) = t.blocked(&attacker, now) {
                now += wait as i64;
            }
            t.fail(attacker.clone(), now);
        }
        assert_eq!(t.blocked(&attacker, now), Some(MAX_LOCKOUT as u64));
        assert_eq!(t.blocked(&owner, now), None);
        // The same /64 is the same place.
        let v6 = |s: &str| Attempt::new("phone-b", s.parse().unwrap());
        for _ in 0..PAIR_FREE + 1 {
            t.fail(v6("2001:db8::1"), now);
        }
        assert!(t.blocked(&v6("2001:db8::ffff:1"), now).is_some());
        assert!(t.blocked(&v6("2001:db8:0:1::1"), now).is_none());
    }

    #[test]
    fn one_network_guessing_many_phones_is_slowed() {
        let t = LoginThrottle::default();
        let ip = IpAddr::from([203, 0, 113, 10]);
        for n in 0..NETWORK_FREE {
            t.fail(Attempt::new(&format!("phone-{n}"), ip), 0);
        }
        assert_eq!(t.blocked(&Attempt::new("phone-new", ip), 0), None);
        t.fail(Attempt::new("phone-x", ip), 0);
        assert_eq!(t.blocked(&Attempt::new("phone-new", ip), 0), Some(1));
        let elsewhere = Attempt::new("phone-new", IpAddr::from([203, 0, 113, 11]));
        assert_eq!(t.blocked(&elsewhere, 0), None);
    }
}
