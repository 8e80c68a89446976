// PdqHashIndex: radius search (Hamming distance <= r of 256 bits) over millions of
// PDQ hashes by multi-index hashing (Norouzi, Punjani & Fleet, "Fast Search in
// Hamming Space with Multi-Index Hashing", CVPR 2012).
//
// The 256 bits are cut into 16 chunks of 16 bits. By the pigeonhole principle two
// hashes within distance r agree to within floor(r / 16) bits on at least one chunk,
// so a query enumerates, per chunk, every 16-bit key within that per-chunk radius
// (r <= 31: the chunk itself and its 16 one-bit neighbours) and looks each up in a
// direct-addressed table of that chunk's values. Every candidate is verified by an
// exact popcount distance (with the hashes prefetched ahead of use), and a hash found
// through several chunks is reported once.
//
// Memory: the hashes in one flat array (32 bytes each) plus one 32-bit id per hash
// per chunk (64 bytes) plus 16 offset tables of 65,537 entries (4 MB): about
// 100 MB for a million hashes.
//
// BruteForceSearch scans all hashes with popcount; it is the baseline the benchmark
// compares against and the check the tests use.
//
// Hashes added after the last Build() are still searched, by a scan of that tail;
// call Build() again after a large batch.
//
// Thread safety: const methods may run concurrently once building is done; Add and
// Build need exclusive access.
#ifndef IMPOSTOR_PHOTO_HASH_INDEX_H_
#define IMPOSTOR_PHOTO_HASH_INDEX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "photo/pdq_hash.h"

namespace impostor {

class PdqHashIndex {
 public:
  static constexpr int kChunks = 16;
  static constexpr int kChunkBits = 16;

  struct Match {
    uint32_t id;    // insertion order, from 0
    int distance;   // Hamming distance to the query
    friend bool operator==(const Match&, const Match&) = default;
  };

  PdqHashIndex() = default;

  // Appends a hash; returns its id (0, 1, 2, ...).
  uint32_t Add(const PdqHash& hash);
  void Reserve(size_t n) { hashes_.reserve(n); }
  // (Re)builds the chunk tables over every hash added so far.
  void Build();

  size_t size() const { return hashes_.size(); }
  const PdqHash& hash(uint32_t id) const { return hashes_[id]; }

  // Every hash within `radius` of the query, sorted by distance then id.
  std::vector<Match> RadiusSearch(const PdqHash& query, int radius = kPdqMatchDistance) const;
  // The same answer by scanning every hash.
  std::vector<Match> BruteForceSearch(const PdqHash& query, int radius = kPdqMatchDistance) const;

  // Bytes held by the hashes and the chunk tables.
  size_t MemoryBytes() const;

 private:
  static uint32_t Chunk(const PdqHash& h, int c) {
    return static_cast<uint32_t>(h.words[c >> 2] >> (16 * (c & 3))) & 0xffffu;
  }
  void ScanTail(const PdqHash& query, int radius, std::vector<Match>* out) const;

  std::vector<PdqHash> hashes_;
  size_t built_ = 0;  // hashes_[0, built_) are in the tables
  // Per chunk, CSR layout: ids_[c][offsets_[c][k] .. offsets_[c][k+1]) hold the ids
  // whose chunk c equals k.
  std::array<std::vector<uint32_t>, kChunks> offsets_;
  std::array<std::vector<uint32_t>, kChunks> ids_;
};

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_HASH_INDEX_H_
