#include "photo/hash_index.h"

#include <algorithm>

namespace impostor {
namespace {

constexpr uint32_t kKeys = 1u << PdqHashIndex::kChunkBits;

// Calls f(key) for every 16-bit key within `radius` bits of `center`.
template <typename F>
void ForEachNeighbour(uint32_t center, int radius, int first_bit, F&& f) {
  f(center);
  if (radius == 0) return;
  for (int b = first_bit; b < PdqHashIndex::kChunkBits; ++b) {
    ForEachNeighbour(center ^ (1u << b), radius - 1, b + 1, f);
  }
}

void SortMatches(std::vector<PdqHashIndex::Match>* m) {
  std::sort(m->begin(), m->end(), [](const auto& a, const auto& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
  });
}

}  // namespace

uint32_t PdqHashIndex::Add(const PdqHash& hash) {
  hashes_.push_back(hash);
  return static_cast<uint32_t>(hashes_.size() - 1);
}

void PdqHashIndex::Build() {
  built_ = hashes_.size();
  for (int c = 0; c < kChunks; ++c) {
    std::vector<uint32_t>& offsets = offsets_[c];
    std::vector<uint32_t>& ids = ids_[c];
    offsets.assign(kKeys + 1, 0);
    for (size_t i = 0; i < built_; ++i) ++offsets[Chunk(hashes_[i], c) + 1];
    for (uint32_t k = 0; k < kKeys; ++k) offsets[k + 1] += offsets[k];
    ids.resize(built_);
    std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (size_t i = 0; i < built_; ++i) ids[fill[Chunk(hashes_[i], c)]++] = static_cast<uint32_t>(i);
    ids.shrink_to_fit();
  }
}

void PdqHashIndex::ScanTail(const PdqHash& query, int radius, std::vector<Match>* out) const {
  for (size_t i = built_; i < hashes_.size(); ++i) {
    const int d = HammingDistance(query, hashes_[i]);
    if (d <= radius) out->push_back({static_cast<uint32_t>(i), d});
  }
}

std::vector<PdqHashIndex::Match> PdqHashIndex::RadiusSearch(const PdqHash& query, int radius) const {
  std::vector<Match> out;
  if (radius < 0) return out;
  if (built_ > 0) {
    const int chunk_radius = std::min(radius / kChunks, kChunkBits);
    // Gather the candidates of every probed bucket first, then verify them with the
    // hashes prefetched a few candidates ahead: verification is random access into
    // the hash array, and overlapping those cache misses is most of the speed.
    std::vector<uint32_t> candidates;
    candidates.reserve(4096);
    for (int c = 0; c < kChunks; ++c) {
      const std::vector<uint32_t>& offsets = offsets_[c];
      const uint32_t* ids = ids_[c].data();
      ForEachNeighbour(Chunk(query, c), chunk_radius, 0, [&](uint32_t key) {
        candidates.insert(candidates.end(), ids + offsets[key], ids + offsets[key + 1]);
      });
    }
    constexpr size_t kAhead = 16;
    const PdqHash* hashes = hashes_.data();
    const size_t n = candidates.size();
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) __builtin_prefetch(&hashes[candidates[i + kAhead]]);
      const uint32_t id = candidates[i];
      const int d = HammingDistance(query, hashes[id]);
      if (d <= radius) out.push_back({id, d});
    }
    // A match close in several chunks was found once per chunk.
    std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) { return a.id < b.id; });
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  ScanTail(query, radius, &out);
  SortMatches(&out);
  return out;
}

std::vector<PdqHashIndex::Match> PdqHashIndex::BruteForceSearch(const PdqHash& query, int radius) const {
  std::vector<Match> out;
  const size_t n = hashes_.size();
  const PdqHash* h = hashes_.data();
  for (size_t i = 0; i < n; ++i) {
    const int d = HammingDistance(query, h[i]);
    if (d <= radius) out.push_back({static_cast<uint32_t>(i), d});
  }
  SortMatches(&out);
  return out;
}

size_t PdqHashIndex::MemoryBytes() const {
  size_t bytes = hashes_.capacity() * sizeof(PdqHash);
  for (int c = 0; c < kChunks; ++c) {
    bytes += offsets_[c].capacity() * sizeof(uint32_t) + ids_[c].capacity() * sizeof(uint32_t);
  }
  return bytes;
}

}  // namespace impostor
