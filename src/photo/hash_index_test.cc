#include "photo/hash_index.h"

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace impostor {
namespace {

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.words) w = rng();
  return h;
}

PdqHash FlipBits(PdqHash h, int n, std::mt19937_64& rng) {
  std::vector<int> bits(256);
  for (int i = 0; i < 256; ++i) bits[i] = i;
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < n; ++i) h.words[bits[i] >> 6] ^= uint64_t{1} << (bits[i] & 63);
  return h;
}

std::vector<PdqHash> ReadHashes(const std::string& path) {
  std::vector<PdqHash> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const std::string hex = line.substr(0, line.find_first_of(", \t\r"));
    Result<PdqHash> h = PdqHash::FromHex(hex);
    if (h.ok()) out.push_back(*h);
  }
  return out;
}

TEST(PdqHashIndexTest, AgreesWithBruteForceAtEveryRadius) {
  std::mt19937_64 rng(42);
  PdqHashIndex index;
  std::vector<PdqHash> bases;
  for (int i = 0; i < 20000; ++i) index.Add(RandomHash(rng));
  // Planted near-duplicates at known distances, some just past the default radius.
  for (int i = 0; i < 50; ++i) {
    PdqHash base = RandomHash(rng);
    bases.push_back(base);
    index.Add(base);
    for (int d : {1, 5, 16, 17, 30, 31, 32, 40}) index.Add(FlipBits(base, d, rng));
  }
  index.Build();
  for (int radius : {0, 5, 15, 16, 31, 32, 47}) {
    for (const PdqHash& q : bases) {
      const auto mih = index.RadiusSearch(q, radius);
      const auto brute = index.BruteForceSearch(q, radius);
      ASSERT_EQ(mih, brute) << "radius " << radius;
    }
  }
  // At the default radius each planted base finds itself and the six copies <= 31.
  for (const PdqHash& q : bases) {
    const auto m = index.RadiusSearch(q);
    ASSERT_EQ(m.size(), 7u);
    EXPECT_EQ(m[0].distance, 0);
    EXPECT_EQ(m.back().distance, 31);
  }
}

TEST(PdqHashIndexTest, HashesAddedAfterBuildAreFound) {
  std::mt19937_64 rng(7);
  PdqHashIndex index;
  for (int i = 0; i < 1000; ++i) index.Add(RandomHash(rng));
  index.Build();
  const PdqHash q = RandomHash(rng);
  EXPECT_TRUE(index.RadiusSearch(q).empty());
  const uint32_t id = index.Add(FlipBits(q, 12, rng));
  auto m = index.RadiusSearch(q);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].id, id);
  EXPECT_EQ(m[0].distance, 12);
  index.Build();
  EXPECT_EQ(index.RadiusSearch(q), m);
  EXPECT_GT(index.MemoryBytes(), 1001u * sizeof(PdqHash));
}

TEST(PdqHashIndexTest, EmptyIndexAndNegativeRadius) {
  PdqHashIndex index;
  PdqHash q;
  EXPECT_TRUE(index.RadiusSearch(q).empty());
  index.Build();
  EXPECT_TRUE(index.RadiusSearch(q).empty());
  index.Add(q);
  index.Build();
  EXPECT_TRUE(index.RadiusSearch(q, -1).empty());
  EXPECT_EQ(index.RadiusSearch(q, 0).size(), 1u);
}

// The reference's multi-index-hashing regression input: 100 needles against 1,350
// real PDQ hashes at radius 32.
TEST(PdqHashIndexTest, ReferenceNeedlesAndHaystack) {
  const std::string dir = std::string(IMPOSTOR_TEST_DATA_DIR) + "/pdq/hashes/";
  const std::vector<PdqHash> needles = ReadHashes(dir + "needles.txt");
  const std::vector<PdqHash> haystack = ReadHashes(dir + "haystack.txt");
  ASSERT_EQ(needles.size(), 100u);
  ASSERT_EQ(haystack.size(), 1350u);
  PdqHashIndex index;
  for (const PdqHash& h : haystack) index.Add(h);
  index.Build();
  size_t total = 0;
  for (const PdqHash& q : needles) {
    const auto mih = index.RadiusSearch(q, 32);
    EXPECT_EQ(mih, index.BruteForceSearch(q, 32));
    total += mih.size();
  }
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace impostor
