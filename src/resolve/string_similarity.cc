#include "resolve/string_similarity.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace impostor {

namespace {

double WinklerBoost(std::string_view a, std::string_view b, double jaro) {
  int prefix = 0;
  while (prefix < 4 && prefix < static_cast<int>(a.size()) && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() > b.size()) std::swap(a, b);
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, lb / 2 - 1);
  if (lb <= 64) {
    // Matched flags as bit sets: no buffers to clear per call.
    uint64_t fa = 0, fb = 0;
    int matches = 0;
    for (int i = 0; i < la; ++i) {
      const int lo = std::max(0, i - window);
      const int hi = std::min(lb - 1, i + window);
      for (int j = lo; j <= hi; ++j) {
        if (!(fb >> j & 1) && a[i] == b[j]) {
          fa |= uint64_t{1} << i;
          fb |= uint64_t{1} << j;
          ++matches;
          break;
        }
      }
    }
    if (matches == 0) return 0.0;
    int transpositions = 0;
    uint64_t rest_b = fb;
    for (uint64_t rest_a = fa; rest_a != 0; rest_a &= rest_a - 1) {
      const int i = __builtin_ctzll(rest_a);
      const int j = __builtin_ctzll(rest_b);
      rest_b &= rest_b - 1;
      if (a[i] != b[j]) ++transpositions;
    }
    const double m = matches;
    return WinklerBoost(a, b, (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0);
  }
  std::vector<uint8_t> fa(la, 0), fb(lb, 0);
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    const int lo = std::max(0, i - window);
    const int hi = std::min(lb - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = 1;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!fa[i]) continue;
    while (!fb[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = matches;
  return WinklerBoost(a, b, (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0);
}

namespace {

// Optimal-string-alignment distance capped at 2: 0, 1 (one substitution, insertion,
// deletion or adjacent transposition) or 2 (more). Linear time; the common
// "one edit" comparison level calls this for every candidate pair.
int DistanceUpToOne(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    if (i == a.size()) return 0;
    // Substitution at i, or a transposition of i and i + 1.
    if (a.substr(i + 1) == b.substr(i + 1)) return 1;
    if (i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2)) return 1;
    return 2;
  }
  if (b.size() - a.size() != 1) return 2;
  // One insertion into a at i.
  return a.substr(i) == b.substr(i + 1) ? 1 : 2;
}

}  // namespace

int BoundedEditDistance(std::string_view a, std::string_view b, int max_distance) {
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > max_distance) return max_distance + 1;
  if (a == b) return 0;
  if (max_distance == 1) return DistanceUpToOne(a, b);
  // Three rows of the optimal-string-alignment recurrence, on the stack for the
  // short values compared in bulk (no allocation per pair).
  constexpr int kStackRow = 64;
  std::array<int, 3 * kStackRow> stack_rows;
  std::vector<int> heap_rows;
  int* rows = stack_rows.data();
  if (lb + 1 > kStackRow) {
    heap_rows.resize(3 * static_cast<size_t>(lb + 1));
    rows = heap_rows.data();
  }
  const int stride = lb + 1 > kStackRow ? lb + 1 : kStackRow;
  int* prev2 = rows;
  int* prev = rows + stride;
  int* cur = rows + 2 * stride;
  for (int j = 0; j <= lb; ++j) prev[j] = j;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= lb; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max_distance) return max_distance + 1;
    int* recycled = prev2;
    prev2 = prev;
    prev = cur;
    cur = recycled;
  }
  return std::min(prev[lb], max_distance + 1);
}

namespace {

// Sorted distinct space-separated tokens of s into out (up to `cap`); returns the
// count, or cap + 1 when s has more tokens than fit.
size_t SplitTokens(std::string_view s, std::string_view* out, size_t cap) {
  size_t count = 0, i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) {
      if (count == cap) return cap + 1;
      out[count++] = s.substr(i, j - i);
    }
    i = j;
  }
  std::sort(out, out + count);
  return static_cast<size_t>(std::unique(out, out + count) - out);
}

double JaccardOfSorted(const std::string_view* ta, size_t na, const std::string_view* tb, size_t nb) {
  if (na == 0 && nb == 0) return 1.0;
  size_t common = 0, i = 0, j = 0;
  while (i < na && j < nb) {
    if (ta[i] == tb[j]) {
      ++common, ++i, ++j;
    } else if (ta[i] < tb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  const size_t uni = na + nb - common;
  return uni == 0 ? 0.0 : static_cast<double>(common) / uni;
}

}  // namespace

double TokenJaccard(std::string_view a, std::string_view b) {
  // Addresses and names have a handful of tokens: stack arrays, no allocation.
  constexpr size_t kStackTokens = 24;
  std::array<std::string_view, kStackTokens> sa, sb;
  const size_t na = SplitTokens(a, sa.data(), kStackTokens), nb = SplitTokens(b, sb.data(), kStackTokens);
  if (na <= kStackTokens && nb <= kStackTokens) return JaccardOfSorted(sa.data(), na, sb.data(), nb);
  std::vector<std::string_view> va(a.size() / 2 + 1), vb(b.size() / 2 + 1);
  const size_t ma = SplitTokens(a, va.data(), va.size()), mb = SplitTokens(b, vb.data(), vb.size());
  return JaccardOfSorted(va.data(), ma, vb.data(), mb);
}

std::string Soundex(std::string_view name) {
  // Codes for a..z; '0' = vowel-like (separates), '-' = h/w (does not separate).
  static const char kCodes[] = "01230120022455012623010202";
  std::string out;
  char last = 0;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z') continue;
    const char code = kCodes[c - 'a'];
    if (out.empty()) {
      out.push_back(c);
      last = code;
      continue;
    }
    if (c == 'h' || c == 'w') continue;
    if (code == '0') {
      last = '0';
      continue;
    }
    if (code != last) out.push_back(code);
    last = code;
    if (out.size() == 4) break;
  }
  if (!out.empty()) out.resize(4, '0');
  return out;
}

}  // namespace impostor
