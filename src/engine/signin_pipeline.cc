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
  if (batch_.size == 0) batch_.first_ordinal = ordinal_;
  ++ordinal_;
  if (batch_.size < batch_.records.size()) {
    std::swap(batch_.records[batch_.size], s);  // `s` takes a spare's storage back to the reader
  } else {
    batch_.records.push_back(std::move(s));
  }
  if (++batch_.size >= kBatch) Submit();
}

void SignInPipeline::Process(Batch& batch, Worker& w) {
  w.encoded.clear();
  uint64_t ordinal = batch.first_ordinal;
  for (size_t i = 0; i < batch.size; ++i) {
    SignIn& s = batch.records[i];
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
  if (batch_.size == 0) return;
  if (inline_worker_) {
    Process(batch_, *inline_worker_);
    batch_.size = 0;
    return;
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    // At most two batches waiting per worker: memory stays bounded when parsing
    // outruns enrichment.
    room_.wait(lock, [&] { return queue_.size() < 2 * workers_.size(); });
    queue_.push_back(std::move(batch_));
    if (!spare_.empty()) {
      batch_ = std::move(spare_.back());
      spare_.pop_back();
    } else {
      batch_ = Batch{};
      batch_.records.reserve(kBatch);
    }
  }
  ready_.notify_one();
  batch_.size = 0;
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
    std::lock_guard<std::mutex> lock(mu_);
    // Spares are bounded by the batches in flight: the queue, the workers', the reader's.
    if (spare_.size() < 3 * workers_.size() + 1) spare_.push_back(std::move(batch));
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
