#include "engine/signin_pipeline.h"

#include "enrich/enrich_cache.h"
#include "enrich/enricher.h"

namespace impostor {

namespace {
constexpr size_t kBatch = 2048;
}  // namespace

struct SignInPipeline::Worker {
  std::unique_ptr<EnrichCache> cache;  // one per thread: EnrichCache is not shared
  EncodedSignIns encoded;
  uint64_t located = 0;
};

SignInPipeline::SignInPipeline(const Enricher* enricher, int threads, SignInSorter* sorter)
    : enricher_(enricher), sorter_(sorter) {
  auto make = [&] {
    auto w = std::make_unique<Worker>();
    if (enricher_) w->cache = std::make_unique<EnrichCache>(*enricher_);
    return w;
  };
  // The reading thread parses; the others enrich and encode.
  const int workers = std::min(threads, 16) - 1;
  if (workers <= 0) {
    inline_worker_ = make();
  } else {
    for (int i = 0; i < workers; ++i) workers_.push_back(make());
    for (int i = 0; i < workers; ++i) threads_.emplace_back(&SignInPipeline::Run, this, workers_[i].get());
  }
  batch_.records.reserve(kBatch);
}

SignInPipeline::~SignInPipeline() {
  if (!threads_.empty()) (void)Finish();
}

void SignInPipeline::Add(SignIn&& s) {
  if (s.account.empty()) {
    ++no_account_;
    return;
  }
  if (batch_.records.empty()) batch_.first_ordinal = ordinal_;
  ++ordinal_;
  batch_.records.push_back(std::move(s));
  if (batch_.records.size() >= kBatch) Submit();
}

void SignInPipeline::Process(Batch& batch, Worker& w) {
  w.encoded.clear();
  uint64_t ordinal = batch.first_ordinal;
  for (SignIn& s : batch.records) {
    if (w.cache) w.cache->Enrich(s);
    if (s.geo.has_coordinates()) ++w.located;
    w.encoded.Add(s, ordinal++);
  }
  Status st = sorter_->AddEncoded(w.encoded);
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = st;
  }
}

void SignInPipeline::Submit() {
  if (batch_.records.empty()) return;
  if (inline_worker_) {
    Process(batch_, *inline_worker_);
    batch_.records.clear();
    return;
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    // At most two batches waiting per worker: memory stays bounded when parsing
    // outruns enrichment.
    room_.wait(lock, [&] { return queue_.size() < 2 * workers_.size(); });
    queue_.push_back(std::move(batch_));
  }
  ready_.notify_one();
  batch_ = Batch{};
  batch_.records.reserve(kBatch);
}

void SignInPipeline::Run(Worker* worker) {
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [&] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;  // done and drained
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    room_.notify_one();
    Process(batch, *worker);
  }
}

Status SignInPipeline::Finish() {
  Submit();
  if (!threads_.empty()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

uint64_t SignInPipeline::located() const {
  uint64_t n = inline_worker_ ? inline_worker_->located : 0;
  for (const auto& w : workers_) n += w->located;
  return n;
}

}  // namespace impostor
