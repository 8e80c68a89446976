// SignInPipeline: the front of the streaming scan. Readers hand it sign-ins one at
// a time on the reading thread; it gives each its arrival ordinal, batches them,
// and enriches and encodes the batches on worker threads into the SignInSorter, so
// parsing, enrichment and encoding overlap and no vector of SignIn structs is kept.
//
//   reader thread: ReadSignIns ──► Add ──► batch ──► queue ──► workers: EnrichCache + EncodeSignIn ──► SignInSorter
//
// Sign-ins without an account are counted and dropped here (no detector can use
// them). With threads <= 1 the calling thread does all of it.
//
// Ownership and thread safety: owns its workers; Add and Finish from one thread.
// The enricher and the sorter must outlive the pipeline.
#ifndef IMPOSTOR_ENGINE_SIGNIN_PIPELINE_H_
#define IMPOSTOR_ENGINE_SIGNIN_PIPELINE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "engine/signin_sorter.h"
#include "records/signin.h"

namespace impostor {

class Enricher;

class SignInPipeline {
 public:
  // `enricher` may be null (records are then taken as enriched already).
  SignInPipeline(const Enricher* enricher, int threads, SignInSorter* sorter);
  ~SignInPipeline();
  SignInPipeline(const SignInPipeline&) = delete;
  SignInPipeline& operator=(const SignInPipeline&) = delete;

  void Add(SignIn&& signin);
  // Drains the queue and stops the workers; the first error of any batch (a full
  // spill disk, say), else OK. Call once.
  Status Finish();

  uint64_t signins() const { return ordinal_; }     // with an account
  uint64_t no_account() const { return no_account_; }
  uint64_t located() const;                         // with coordinates after enrichment

 private:
  // records[0, size) are this batch's; the rest are spare records whose storage
  // the reader reuses (Add swaps the reader's record with one of them), so a warm
  // pipeline parses without allocating.
  struct Batch {
    std::vector<SignIn> records;
    size_t size = 0;
    uint64_t first_ordinal = 0;
  };
  struct Worker;
  void Process(Batch& batch, Worker& worker);
  void Submit();
  void Run(Worker* worker);

  const Enricher* enricher_;
  SignInSorter* sorter_;
  Batch batch_;
  uint64_t ordinal_ = 0;
  uint64_t no_account_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Worker> inline_worker_;  // threads <= 1
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<Batch> queue_;
  std::vector<Batch> spare_;  // processed batches, back for reuse
  bool done_ = false;
  Status error_;
};

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_SIGNIN_PIPELINE_H_
