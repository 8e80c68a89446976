// Step 2 of persona resolution: candidate pairs are records agreeing on every key
// of at least one blocking rule; a group over the size cap is skipped and counted.
#include <fmt/format.h>

#include "resolve/resolver_internal.h"

namespace impostor {
namespace resolver_internal {

Status BlockCandidatePairs(ResolveWork& work, ResolutionResult& result) {
  const LinkageConfig& config = work.config;
  const uint32_t n = work.n;
  const unsigned threads = work.threads;
  auto column_of = [&work](const std::string& f) { return work.ColumnOf(f); };
  std::vector<uint64_t>& pairs = work.pairs;
  std::vector<uint32_t>& masks = work.masks;
  // Per rule, (key hash, record) sorted; groups within the cap give pairs.
  const auto t0 = Clock::now();
  std::vector<uint64_t> packed;
  {
    const size_t R = config.blocking.size();
    std::vector<std::vector<uint64_t>> per_rule(R);
    std::vector<uint64_t> skipped(R, 0);
    ParallelTasks(threads, R, [&](size_t ri, unsigned) {
      const BlockingRule& rule = config.blocking[ri];
      uint32_t cap = config.max_block_size;
      std::vector<const Column*> cols;
      std::vector<const std::vector<uint64_t>*> parts;
      for (const auto& key : rule.keys) {
        cols.push_back(column_of(key.field));
        parts.push_back(&cols.back()->key_hash[static_cast<size_t>(key.transform)]);
        if (key.transform == KeyTransform::kExact) {
          for (const auto& spec : config.comparisons) {
            if (spec.field == key.field && spec.generic_guard) cap = std::min(cap, config.generic_threshold);
          }
        }
      }
      std::vector<std::pair<uint64_t, uint32_t>> keys;
      keys.reserve(n);
      std::vector<uint64_t> partial, grown;
      for (uint32_t r = 0; r < n; ++r) {
        partial.assign(1, 0x9e3779b97f4a7c15ULL);
        for (size_t k = 0; k < cols.size() && !partial.empty(); ++k) {
          const Column& col = *cols[k];
          const std::vector<uint64_t>& part_of = *parts[k];
          grown.clear();
          for (uint32_t i = col.Begin(r); i < col.End(r); ++i) {
            const uint64_t part = part_of[col.ids[i]];
            if (part == 0) continue;
            for (uint64_t h : partial) grown.push_back(Mix(h * 31 + k) ^ part);
          }
          partial.swap(grown);
        }
        if (partial.size() > 1) {
          std::sort(partial.begin(), partial.end());
          partial.erase(std::unique(partial.begin(), partial.end()), partial.end());
        }
        for (uint64_t h : partial) keys.emplace_back(h, r);
      }
      std::sort(keys.begin(), keys.end());
      auto& out = per_rule[ri];
      for (size_t i = 0; i < keys.size();) {
        size_t j = i;
        while (j < keys.size() && keys[j].first == keys[i].first) ++j;
        if (j - i > cap) {
          ++skipped[ri];
        } else {
          for (size_t x = i; x < j; ++x) {
            for (size_t y = x + 1; y < j; ++y) {
              uint64_t a = keys[x].second, b = keys[y].second;
              if (a == b) continue;
              if (a > b) std::swap(a, b);
              out.push_back((a << 37) | (b << 11) | ri);
            }
          }
        }
        i = j;
      }
    });
    size_t total = 0;
    for (auto& v : per_rule) total += v.size();
    packed.reserve(total);
    for (size_t ri = 0; ri < R; ++ri) {
      packed.insert(packed.end(), per_rule[ri].begin(), per_rule[ri].end());
      std::vector<uint64_t>().swap(per_rule[ri]);
      result.stats.skipped_blocks += skipped[ri];
    }
  }
  // Sort (halves in parallel, then merge) and fold rules of the same pair into a mask.
  if (threads > 1 && packed.size() > 100000) {
    const auto half = packed.begin() + static_cast<std::ptrdiff_t>(packed.size() / 2);
    std::thread other([&] { std::sort(packed.begin(), half); });
    std::sort(half, packed.end());
    other.join();
    std::inplace_merge(packed.begin(), half, packed.end());
  } else {
    std::sort(packed.begin(), packed.end());
  }
  {
    size_t distinct = 0;
    for (size_t i = 0; i < packed.size(); ++i) distinct += i == 0 || (packed[i] >> 11) != (packed[i - 1] >> 11);
    pairs.reserve(distinct);
    masks.reserve(distinct);
  }
  for (size_t i = 0; i < packed.size();) {
    const uint64_t pair = packed[i] >> 11;
    uint32_t mask = 0;
    while (i < packed.size() && (packed[i] >> 11) == pair) mask |= 1u << (packed[i++] & 31);
    pairs.push_back(((pair >> 26) << 32) | (pair & (kMaxRecords - 1)));
    masks.push_back(mask);
  }
  std::vector<uint64_t>().swap(packed);
  const size_t P = pairs.size();
  if (P >= UINT32_MAX) {
    return Status::InvalidArgument(fmt::format("blocking produced {} candidate pairs (limit {}); tighten the rules",
                                               P, UINT32_MAX - 1));
  }
  result.stats.candidate_pairs = P;
  result.stats.seconds_block = Since(t0);
  return Status::OK();
}

}  // namespace resolver_internal
}  // namespace impostor
