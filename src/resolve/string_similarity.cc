#include "resolve/string_similarity.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace impostor {

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() > b.size()) std::swap(a, b);
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, lb / 2 - 1);
  // Names are short; stack flags for the common case.
  std::array<uint8_t, 128> fa_small{}, fb_small{};
  std::vector<uint8_t> fa_big, fb_big;
  uint8_t* fa = fa_small.data();
  uint8_t* fb = fb_small.data();
  if (lb > 128) {
    fa_big.assign(la, 0);
    fb_big.assign(lb, 0);
    fa = fa_big.data();
    fb = fb_big.data();
  }
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
  const double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

int BoundedEditDistance(std::string_view a, std::string_view b, int max_distance) {
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > max_distance) return max_distance + 1;
  if (a == b) return 0;
  // Three rows of the optimal-string-alignment recurrence.
  std::vector<int> prev2(lb + 1), prev(lb + 1), cur(lb + 1);
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
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[lb], max_distance + 1);
}

namespace {
void SplitTokens(std::string_view s, std::vector<std::string_view>& out) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}
}  // namespace

double TokenJaccard(std::string_view a, std::string_view b) {
  std::vector<std::string_view> ta, tb;
  SplitTokens(a, ta);
  SplitTokens(b, tb);
  if (ta.empty() && tb.empty()) return 1.0;
  size_t common = 0, i = 0, j = 0;
  while (i < ta.size() && j < tb.size()) {
    if (ta[i] == tb[j]) {
      ++common, ++i, ++j;
    } else if (ta[i] < tb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  const size_t uni = ta.size() + tb.size() - common;
  return uni == 0 ? 0.0 : static_cast<double>(common) / uni;
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
