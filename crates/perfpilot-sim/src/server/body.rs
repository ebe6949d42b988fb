//! The streaming response body: pulls every event the engine has delivered, writes them
//! as SSE chunks into one frame (so a fast engine costs one write per wake-up, not one
//! per token), applies the stream faults, and tells the engine when the client leaves.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame};
use tokio::sync::mpsc::UnboundedReceiver;

use super::log::Logger;
use super::openai::{ChunkWriter, Usage};
use super::realtime::{Cmd, Event};

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Bytes gathered into one frame at most.
const MAX_FRAME: usize = 64 * 1024;

/// Sends `Abort` to the engine when dropped before the request finished.
pub(crate) struct AbortGuard {
    pub cmd: Sender<Cmd>,
    pub id: u64,
    pub done: bool,
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.cmd.send(Cmd::Abort(self.id));
        }
    }
}

/// Stream faults that apply to one response.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StreamFaults {
    pub disconnect_after_tokens: Option<u32>,
    pub malformed_at_token: Option<u32>,
}

/// An SSE response body.
pub(crate) struct SseBody {
    pub rx: UnboundedReceiver<Event>,
    pub writer: ChunkWriter,
    pub guard: AbortGuard,
    pub prompt_tokens: u64,
    pub include_usage: bool,
    pub faults: StreamFaults,
    pub log: Arc<Logger>,
    pub sent: u32,
    pub finished: bool,
    /// A cut to report once the data written before it had time to leave (hyper
    /// drops unflushed bytes when a body fails).
    pub cut: Option<(String, Pin<Box<tokio::time::Sleep>>)>,
}

/// How long a cut waits for earlier bytes to be flushed.
const CUT_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

enum Step {
    More,
    Done,
    Cut(String),
}

impl SseBody {
    fn push(&mut self, ev: Event, buf: &mut String) -> Step {
        match ev {
            Event::Token { index, finish, cached_tokens } => {
                if let Some(n) = self.faults.disconnect_after_tokens
                    && self.sent >= n
                {
                    self.log.line(
                        "[sim-fault] disconnect-after-tokens: closing the stream mid-response",
                    );
                    self.log.line("ERROR:    Exception in ASGI application");
                    return Step::Cut(format!("connection closed by the server after {n} tokens"));
                }
                if index == 0 {
                    self.writer.role_chunk(buf);
                }
                if self.faults.malformed_at_token == Some(index) {
                    self.log.line("[sim-fault] malformed-chunk: sending a truncated SSE data line");
                    self.writer.malformed_chunk(buf, index);
                } else {
                    self.writer.token_chunk(buf, index, finish.as_ref().map(|f| f.as_openai()));
                }
                self.sent += 1;
                if finish.is_some() {
                    if self.include_usage {
                        let u = Usage {
                            prompt: self.prompt_tokens,
                            completion: u64::from(self.sent),
                            cached: cached_tokens,
                        };
                        self.writer.usage_chunk(buf, &u);
                    }
                    buf.push_str("data: [DONE]\n\n");
                    return Step::Done;
                }
                Step::More
            }
            Event::Failed { message, status } => {
                self.writer.error_chunk(buf, &message, status);
                Step::Done
            }
        }
    }
}

impl Body for SseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if let Some((msg, sleep)) = self.cut.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let msg = std::mem::take(msg);
            self.cut = None;
            return Poll::Ready(Some(Err(msg.into())));
        }
        if self.finished {
            return Poll::Ready(None);
        }
        let first = match self.rx.poll_recv(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => {
                self.finished = true;
                self.guard.done = true;
                return Poll::Ready(Some(Err(
                    "the engine stopped before the request finished".into()
                )));
            }
            Poll::Ready(Some(ev)) => ev,
        };
        let mut buf = String::with_capacity(512);
        let mut step = self.push(first, &mut buf);
        while matches!(step, Step::More) && buf.len() < MAX_FRAME {
            match self.rx.try_recv() {
                Ok(ev) => step = self.push(ev, &mut buf),
                Err(_) => break,
            }
        }
        match step {
            Step::More => {}
            Step::Done => {
                self.finished = true;
                self.guard.done = true;
            }
            Step::Cut(msg) => {
                // Dropping the guard (with the body) aborts the request in the engine.
                self.finished = true;
                self.rx.close();
                let mut sleep = Box::pin(tokio::time::sleep(CUT_DELAY));
                let _ = sleep.as_mut().poll(cx);
                self.cut = Some((msg, sleep));
                if buf.is_empty() {
                    return Poll::Pending;
                }
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf)))));
            }
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf)))))
    }

    fn is_end_stream(&self) -> bool {
        self.finished && self.guard.done
    }
}
