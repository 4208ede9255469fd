//! Group commit: one writer thread owns the store and commits the change sets
//! of many concurrent requests in one transaction (one fsync), then
//! acknowledges each. While it commits, new sets queue up and go in the next
//! transaction together, so the batch grows with the load and no request waits
//! for a timer.
//!
//! Order: sets are committed in the order they were submitted. A DS core that
//! submits while it holds its own lock therefore never has a later request
//! durable before an earlier one it depended on; [`GroupCommit::barrier`] lets
//! a read wait until everything it may have seen is durable.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot, watch};

use super::{Change, DsStore, StoreError};

/// How many change sets one transaction takes at most.
#[derive(Debug, Clone, Copy)]
pub struct GroupCommitConfig {
    pub max_batch: usize,
}

impl Default for GroupCommitConfig {
    fn default() -> Self {
        Self { max_batch: 1024 }
    }
}

struct Submission {
    seq: u64,
    changes: Vec<Change>,
    ack: oneshot::Sender<Result<(), StoreError>>,
}

/// Counters of the writer, for tests and the teacher's view.
#[derive(Debug, Default)]
pub struct CommitStats {
    pub transactions: AtomicU64,
    pub change_sets: AtomicU64,
}

/// What the writer has finished: everything up to `seq` is done; `failed` once
/// a transaction failed, after which nothing is acknowledged again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Progress {
    seq: u64,
    failed: bool,
}

/// The handle requests submit through; cheap to share.
pub struct GroupCommit {
    /// Numbering and sending happen under one lock, so numbers follow queue order.
    sender: Mutex<(u64, mpsc::UnboundedSender<Submission>)>,
    progress: watch::Receiver<Progress>,
    stats: Arc<CommitStats>,
}

impl GroupCommit {
    /// Starts the writer thread on `store`.
    pub fn start<S: DsStore>(
        mut store: S,
        config: GroupCommitConfig,
    ) -> Result<(Self, JoinHandle<()>), StoreError> {
        let (sender, mut queue) = mpsc::unbounded_channel::<Submission>();
        let (progress_tx, progress) = watch::channel(Progress::default());
        let stats = Arc::new(CommitStats::default());
        let writer_stats = Arc::clone(&stats);
        let max_batch = config.max_batch.max(1);
        let writer = std::thread::Builder::new()
            .name("ds-store-writer".into())
            .spawn(move || {
                let mut failed = false;
                while let Some(first) = queue.blocking_recv() {
                    let mut batch = vec![first];
                    while batch.len() < max_batch {
                        match queue.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    let last = batch.last().map_or(0, |s| s.seq);
                    let outcome = if failed {
                        Err(StoreError::Poisoned)
                    } else {
                        let sets: Vec<&[Change]> =
                            batch.iter().map(|s| s.changes.as_slice()).collect();
                        store.commit_group(&sets)
                    };
                    match outcome {
                        Ok(results) => {
                            writer_stats.transactions.fetch_add(1, Ordering::Relaxed);
                            writer_stats
                                .change_sets
                                .fetch_add(batch.len() as u64, Ordering::Relaxed);
                            for (submission, result) in batch.into_iter().zip(results) {
                                // A request that went away needs no answer.
                                let _ = submission.ack.send(result);
                            }
                        }
                        Err(error) => {
                            // The store and the DS's memory may now differ: stop
                            // acknowledging; a restart reloads from disk.
                            failed = true;
                            for submission in batch {
                                let _ = submission.ack.send(Err(error.clone()));
                            }
                        }
                    }
                    let _ = progress_tx.send(Progress { seq: last, failed });
                }
            })
            .map_err(|error| StoreError::Sqlite(format!("no writer thread: {error}")))?;
        let handle = Self {
            sender: Mutex::new((0, sender)),
            progress,
            stats,
        };
        Ok((handle, writer))
    }

    /// Queues a request's changes (applied all or none) and returns the
    /// acknowledgement to await: `Ok` once they are durable.
    pub fn submit(
        &self,
        changes: Vec<Change>,
    ) -> impl std::future::Future<Output = Result<(), StoreError>> + Send + 'static {
        let (ack, acknowledged) = oneshot::channel();
        let queued = match self.sender.lock() {
            Ok(mut guard) => {
                guard.0 += 1;
                let seq = guard.0;
                guard.1.send(Submission { seq, changes, ack }).is_ok()
            }
            Err(_) => false,
        };
        async move {
            if !queued {
                return Err(StoreError::WriterGone);
            }
            acknowledged.await.map_err(|_| StoreError::WriterGone)?
        }
    }

    /// Waits until everything submitted before this call is durable.
    pub async fn barrier(&self) -> Result<(), StoreError> {
        let target = match self.sender.lock() {
            Ok(guard) => guard.0,
            Err(_) => return Err(StoreError::WriterGone),
        };
        let mut progress = self.progress.clone();
        let reached = progress
            .wait_for(|p| p.failed || p.seq >= target)
            .await
            .map_err(|_| StoreError::WriterGone)?;
        if reached.failed {
            return Err(StoreError::Poisoned);
        }
        Ok(())
    }

    pub fn stats(&self) -> &CommitStats {
        &self.stats
    }
}
