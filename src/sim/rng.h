// Rng: the simulator's own seeded pseudo-random generator (xoshiro256** seeded through
// splitmix64). Its output depends on the seed alone, on every platform and standard
// library, which std::mt19937 + std::*_distribution do not guarantee; so worlds are
// byte-identical for one seed.
//
// Plain value; one Rng per thread. Derive independent streams with Rng(Mix(seed, k)).
#ifndef IMPOSTOR_SIM_RNG_H_
#define IMPOSTOR_SIM_RNG_H_

#include <cmath>
#include <cstdint>
#include <vector>

namespace impostor {

// splitmix64 step: a good 64-bit mixer for seeding and hashing small keys.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seed for sub-stream `k` of `seed` (per organisation, per account, ...).
inline uint64_t MixSeed(uint64_t seed, uint64_t k) {
  uint64_t s = seed ^ (k * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
  return SplitMix64(s);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (uint64_t& w : s_) w = SplitMix64(s);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0. Lemire's multiply-shift (bias < 2^-32 for our n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int Int(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal (Box-Muller; one value per call, deterministic).
  double Normal(double mean, double sd) {
    double u1 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    double u2 = Uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Index drawn with probability proportional to weights (all >= 0, sum > 0).
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double r = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return weights.empty() ? 0 : weights.size() - 1;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }
  // Lower-case hex string of n digits.
  template <typename Str>
  void AppendHex(Str* out, int n) {
    static const char kHex[] = "0123456789abcdef";
    uint64_t bits = Next();
    for (int i = 0; i < n; ++i) {
      if (i % 16 == 15) bits = Next();
      out->push_back(kHex[bits & 15]);
      bits >>= 4;
    }
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace impostor

#endif  // IMPOSTOR_SIM_RNG_H_
