#include "engine/stream_detection.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace impostor {

namespace {

constexpr size_t kBatch = 1024;   // records per batch
constexpr size_t kBatches = 8;    // batches in flight: bounds memory, lets lanes run ahead

struct Batch {
  std::vector<SignIn> signins = std::vector<SignIn>(kBatch);  // reused: decoding keeps their storage
  std::vector<uint64_t> locators = std::vector<uint64_t>(kBatch);
  std::vector<uint32_t> accounts = std::vector<uint32_t>(kBatch);  // set by the account lane
  size_t size = 0;
};

// A blocking FIFO of batches; nullptr marks the end of the stream.
class BatchQueue {
 public:
  void Push(Batch* batch) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(batch);
    }
    ready_.notify_one();
  }
  Batch* Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    Batch* batch = queue_.front();
    queue_.pop_front();
    return batch;
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Batch*> queue_;
};

// Findings of the spanning lane, handed to the scan's sink once the lanes stopped.
class CollectingSink final : public FindingSink {
 public:
  void OnFinding(Finding&& f) override { findings.push_back(std::move(f)); }
  std::vector<Finding> findings;
};

// Interns the record's account, lets `detectors` observe it against the baseline
// as it was before, then learns it into the baseline; returns the account index.
uint32_t ObserveForAccount(const StreamDetection& d, const std::vector<SignInDetector*>& detectors, const SignIn& s) {
  const uint32_t idx = d.profiles->Intern(s.account);
  if (d.touched->size() <= idx) d.touched->resize(idx + 1, false);
  (*d.touched)[idx] = true;
  const SignInContext ctx{idx, d.profiles};
  for (SignInDetector* det : detectors) det->Observe(s, ctx, *d.sink);
  d.profiles->Learn(idx, s);
  return idx;
}

Status RunOneLane(SignInSorter& sorter, const StreamDetection& d) {
  std::vector<SignInDetector*> all;
  for (auto& det : *d.detectors) all.push_back(det.get());
  return sorter.ForEach([&](const SignIn& s, uint64_t locator) {
    d.summary->Observe(s, ObserveForAccount(d, all, s), locator);
    return Status::OK();
  });
}

Status RunLanes(SignInSorter& sorter, const StreamDetection& d) {
  std::vector<SignInDetector*> per_account, spanning;
  for (auto& det : *d.detectors) (det->SpansAccounts() ? spanning : per_account).push_back(det.get());

  std::vector<std::unique_ptr<Batch>> pool;
  BatchQueue free_batches, to_accounts, to_spanning;
  for (size_t i = 0; i < kBatches; ++i) {
    pool.push_back(std::make_unique<Batch>());
    free_batches.Push(pool.back().get());
  }
  CollectingSink spanning_sink;
  std::thread account_lane([&] {
    for (;;) {
      Batch* b = to_accounts.Pop();
      if (b == nullptr) break;
      for (size_t i = 0; i < b->size; ++i) b->accounts[i] = ObserveForAccount(d, per_account, b->signins[i]);
      to_spanning.Push(b);
    }
    to_spanning.Push(nullptr);
  });
  std::thread spanning_lane([&] {
    for (;;) {
      Batch* b = to_spanning.Pop();
      if (b == nullptr) break;
      for (size_t i = 0; i < b->size; ++i) {
        const SignInContext ctx{b->accounts[i], d.profiles};
        for (SignInDetector* det : spanning) det->Observe(b->signins[i], ctx, spanning_sink);
        d.summary->Observe(b->signins[i], b->accounts[i], b->locators[i]);
      }
      b->size = 0;
      free_batches.Push(b);
    }
  });

  Batch* filling = free_batches.Pop();
  Status st = sorter.ForEachInto([&] { return &filling->signins[filling->size]; },
                                 [&](uint64_t locator) {
                                   filling->locators[filling->size++] = locator;
                                   if (filling->size == kBatch) {
                                     to_accounts.Push(filling);
                                     filling = free_batches.Pop();
                                   }
                                   return Status::OK();
                                 });
  if (filling->size > 0) to_accounts.Push(filling);
  to_accounts.Push(nullptr);
  account_lane.join();
  spanning_lane.join();
  for (Finding& f : spanning_sink.findings) d.sink->OnFinding(std::move(f));
  return st;
}

}  // namespace

Status RunStreamDetection(SignInSorter& sorter, const StreamDetection& d, int threads) {
  IMPOSTOR_RETURN_IF_ERROR(threads <= 1 ? RunOneLane(sorter, d) : RunLanes(sorter, d));
  for (auto& det : *d.detectors) det->Finish(*d.sink);
  return Status::OK();
}

}  // namespace impostor
