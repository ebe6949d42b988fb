//! Which step admits a request: decided by the request's arrival stamp against the step's
//! nominal start, not by when the engine thread happened to read it.
//!
//! The virtual-time driver (`crate::virtual_time`) defines the rules: a request that
//! arrives while a step runs joins the next step; an idle engine takes at once every
//! request released by the same step end. In real time, reading the command channel is a
//! race: two requests a client sends at the same instant (two slots freed by one step)
//! reach the engine 0.03–4.5 ms apart on a loaded machine, and an idle engine that starts a
//! prefill on the first makes the second wait a whole prefill step, so TTFT came out ~55 or
//! ~105 ms (cost ×4) depending on the thread wake-up, half the requests on either side,
//! the median between the modes. Here:
//!
//! * a step that follows another back to back admits the requests that arrived before its
//!   nominal start (the previous step's deadline); later ones wait for the next step even
//!   when the engine thread reads them first;
//! * a step that starts an idle engine begins at the earliest arrival and also admits the
//!   requests arriving within [`gather_window`] of it: the cost model's per-step overhead
//!   (the scheduler forming the batch, launches, weight reads), the shortest step there
//!   is, so the step's deadline (its start plus its modelled duration) is never delayed
//!   by the window.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::realtime::Event;
use crate::cost::CostModel;
use crate::request::SimRequest;

/// Upper bound of the gather window. Two requests released by one step end reached the
/// simulator 0.03–4.5 ms apart at load average 11 on 2 cores, and more than 10 ms apart a
/// few times a run at load 18 (debug builds).
pub(crate) const MAX_GATHER: Duration = Duration::from_millis(30);

/// How long an idle engine waits, after the first arrival, for requests to join the same
/// step: the step overhead, at most `MAX_GATHER` (zero on a zero-cost profile).
pub(crate) fn gather_window(cost: &CostModel) -> Duration {
    let overhead = Duration::from_secs_f64(cost.step_overhead_s.max(0.0));
    overhead.min(MAX_GATHER)
}

/// A request read from the channel, not yet given to the engine.
pub(crate) struct Arrival {
    /// The request.
    pub req: SimRequest,
    /// When the HTTP side received it.
    pub arrived: Instant,
    /// Where its tokens go.
    pub sink: UnboundedSender<Event>,
}

/// Requests read from the channel, in the order they were read.
#[derive(Default)]
pub(crate) struct Inbox {
    queue: VecDeque<Arrival>,
}

impl Inbox {
    /// Keep a request until a step admits it.
    pub fn push(&mut self, a: Arrival) {
        self.queue.push_back(a);
    }

    /// Nothing waiting.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The earliest arrival stamp.
    pub fn first_arrival(&self) -> Option<Instant> {
        self.queue.iter().map(|a| a.arrived).min()
    }

    /// Take, in read order, the requests that arrived at or before `cutoff`.
    pub fn take_until(&mut self, cutoff: Instant) -> Vec<Arrival> {
        let (due, later): (VecDeque<Arrival>, VecDeque<Arrival>) =
            std::mem::take(&mut self.queue).into_iter().partition(|a| a.arrived <= cutoff);
        self.queue = later;
        due.into()
    }

    /// Take out the request with this id (the client went away before admission).
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.queue.len();
        self.queue.retain(|a| a.req.id != id);
        self.queue.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(id: u64, at: Instant) -> Arrival {
        let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
        Arrival {
            req: SimRequest {
                id,
                prompt: vec![1; 8],
                max_new_tokens: 4,
                min_new_tokens: 0,
                eos_after: None,
            },
            arrived: at,
            sink,
        }
    }

    #[test]
    fn only_requests_that_arrived_by_the_cutoff_are_taken_in_read_order() {
        let t = Instant::now();
        let mut inbox = Inbox::default();
        inbox.push(arrival(1, t + Duration::from_millis(3)));
        inbox.push(arrival(2, t));
        inbox.push(arrival(3, t + Duration::from_millis(9)));
        assert_eq!(inbox.first_arrival(), Some(t));
        let ids: Vec<u64> =
            inbox.take_until(t + Duration::from_millis(5)).iter().map(|a| a.req.id).collect();
        assert_eq!(ids, [1, 2]);
        assert!(!inbox.is_empty());
        assert!(inbox.remove(3));
        assert!(inbox.is_empty());
    }

    #[test]
    fn the_gather_window_never_exceeds_the_step_overhead() {
        let mut c = CostModel::ZERO;
        assert_eq!(gather_window(&c), Duration::ZERO);
        c.step_overhead_s = 0.0064;
        assert_eq!(gather_window(&c), Duration::from_secs_f64(0.0064));
        c.step_overhead_s = 0.0256;
        assert_eq!(gather_window(&c), Duration::from_secs_f64(0.0256));
        c.step_overhead_s = 0.5;
        assert_eq!(gather_window(&c), MAX_GATHER);
    }
}
