//! The ALB key-fetch admission: the per-verifier demand sketch and the global fetch budget, as
//! [`AlbVerifier`](crate::AlbVerifier) consults them before each key fetch (target
//! `alb_demand`). Time is tokio's clock, so a paused runtime drives it.

use std::time::Duration;

use tokio::sync::SemaphorePermit;

use crate::alb::demand::Demand;
use crate::alb::fetch_budget::{FetchBudget, Refusal, admit};
use crate::alb::options::AlbKeyOptions;
use crate::error::ConfigError;

/// One verifier's key-fetch admission, without the fetches.
pub struct AlbAdmission {
    demand: Demand,
    budget: FetchBudget,
}

/// Why a fetch was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlbRefusal {
    /// The rate limit: the next fetch may start after this long.
    RateLimited(Duration),
    /// `max_fetches_in_flight` fetches are running.
    InFlight,
}

/// An admitted fetch: counted in flight until dropped.
#[derive(Debug)]
pub struct AlbFetch<'a>(#[allow(dead_code)] SemaphorePermit<'a>);

impl std::fmt::Debug for AlbAdmission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlbAdmission").finish_non_exhaustive()
    }
}

impl AlbAdmission {
    /// With these [`AlbKeyOptions`] (validated as `build` does), starting now (tokio's clock).
    pub fn new(fetch_burst: u32, fetch_rate: u32, max_fetches_in_flight: usize) -> Result<Self, ConfigError> {
        let options = AlbKeyOptions::default()
            .fetch_burst(fetch_burst)
            .fetch_rate(fetch_rate)
            .max_fetches_in_flight(max_fetches_in_flight)
            .negative_cache_capacity(usize::MAX);
        options.validate()?;
        Ok(AlbAdmission { demand: Demand::new(), budget: FetchBudget::new(&options) })
    }

    /// A key fetch for `kid` is needed (it is neither cached nor known to fail): admitted or
    /// refused, exactly as the verifier decides.
    pub fn ask(&self, kid: &str) -> Result<AlbFetch<'_>, AlbRefusal> {
        admit(&self.demand, &self.budget, kid).map(AlbFetch).map_err(|refusal| match refusal {
            Refusal::RateLimited(wait) => AlbRefusal::RateLimited(wait),
            Refusal::InFlight => AlbRefusal::InFlight,
        })
    }
}
