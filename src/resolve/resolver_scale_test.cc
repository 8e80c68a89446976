// Resolution on synthetic people: output independent of the thread count, quality
// that holds on a population with namesakes, and the e-mail and chaining rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "resolve/resolver.h"
#include "resolve/string_similarity.h"
#include "resolve/synthetic_people.h"

namespace impostor {
namespace {

LinkageConfig TestConfig(unsigned threads) {
  LinkageConfig config = DefaultLinkageConfig();
  config.catalog_dir = std::string(IMPOSTOR_DATA_DIR) + "/catalog";
  config.threads = threads;
  return config;
}

double PairwiseF1(const std::vector<uint32_t>& predicted, const std::vector<uint32_t>& truth, double* precision) {
  auto pairs = [](std::vector<uint64_t> keys) {
    std::sort(keys.begin(), keys.end());
    double total = 0;
    for (size_t i = 0; i < keys.size();) {
      size_t j = i;
      while (j < keys.size() && keys[j] == keys[i]) ++j;
      total += static_cast<double>(j - i) * (j - i - 1) / 2;
      i = j;
    }
    return total;
  };
  std::vector<uint64_t> both, pred, real;
  for (size_t i = 0; i < predicted.size(); ++i) {
    both.push_back((static_cast<uint64_t>(predicted[i]) << 32) | truth[i]);
    pred.push_back(predicted[i]);
    real.push_back(truth[i]);
  }
  const double tp = pairs(both), p = tp / pairs(pred), r = tp / pairs(real);
  *precision = p;
  return 2 * p * r / (p + r);
}

TEST(SyntheticPeopleTest, DeterministicWithDistinctMailboxes) {
  const SyntheticPeople a = GenerateSyntheticPeople(5000, 7), b = GenerateSyntheticPeople(5000, 7);
  ASSERT_EQ(a.people.size(), 5000u);
  ASSERT_EQ(a.identity, b.identity);
  for (size_t i = 0; i < a.people.size(); ++i) ASSERT_EQ(a.people[i].email, b.people[i].email);
  // The first record of each identity carries its true address; no two identities share one.
  std::vector<std::pair<std::string, uint32_t>> first;
  for (size_t i = 0; i < a.people.size(); ++i) {
    if ((i == 0 || a.identity[i] != a.identity[i - 1]) && !a.people[i].email.empty()) {
      first.emplace_back(a.people[i].email, a.identity[i]);
    }
  }
  std::sort(first.begin(), first.end());
  for (size_t i = 1; i < first.size(); ++i) EXPECT_NE(first[i].first, first[i - 1].first);
}

TEST(ResolverScaleTest, SameResultWithOneOrTwoThreads) {
  const SyntheticPeople data = GenerateSyntheticPeople(20000, 11);
  Result<ResolutionResult> one = ResolvePeople(data.people, TestConfig(1));
  Result<ResolutionResult> two = ResolvePeople(data.people, TestConfig(2));
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->persona_of, two->persona_of);
  EXPECT_EQ(one->stats.candidate_pairs, two->stats.candidate_pairs);
  EXPECT_EQ(one->stats.links, two->stats.links);
  ASSERT_EQ(one->personas.size(), two->personas.size());
  for (size_t i = 0; i < one->personas.size(); ++i) {
    ASSERT_EQ(one->personas[i].links.size(), two->personas[i].links.size());
    for (size_t l = 0; l < one->personas[i].links.size(); ++l) {
      EXPECT_EQ(one->personas[i].links[l].match_weight, two->personas[i].links[l].match_weight);
    }
  }
}

TEST(ResolverScaleTest, QualityOnSyntheticPopulation) {
  const SyntheticPeople data = GenerateSyntheticPeople(50000, 42);
  Result<ResolutionResult> result = ResolvePeople(data.people, TestConfig(2));
  ASSERT_TRUE(result.ok());
  double precision = 0;
  const double f1 = PairwiseF1(result->persona_of, data.identity, &precision);
  EXPECT_GE(precision, 0.995);  // measured 0.9999 at 100k
  EXPECT_GE(f1, 0.99);          // measured 0.9968 at 100k
}

Person Named(const std::string& id, const std::string& given, const std::string& family, const std::string& email) {
  Person p;
  p.record_id = id;
  p.given_name = given;
  p.family_name = family;
  p.email = email;
  return p;
}

TEST(ResolverScaleTest, NameDerivedMailboxesAreNoEvidence) {
  // Background population so frequencies are realistic.
  std::vector<Person> people = GenerateSyntheticPeople(3000, 5).people;
  const size_t base = people.size();
  // Two James Smiths (common names: weak evidence) whose addresses share only their
  // name letters, and one person whose handle recurs on another provider.
  people.push_back(Named("s1", "James", "Smith", "smith_j1961@fastmail.com"));
  people.push_back(Named("s2", "James", "Smith", "smith_j1987@icloud.com"));
  people.push_back(Named("h1", "Ana", "Lima", "quietfalcon77@gmail.com"));
  people.push_back(Named("h2", "Ana", "Lima", "quietfalcon77@outlook.com"));
  Result<ResolutionResult> result = ResolvePeople(people, TestConfig(2));
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->persona_of[base], result->persona_of[base + 1]);
  EXPECT_EQ(result->persona_of[base + 2], result->persona_of[base + 3]);
}

TEST(StringSimilarityTest, LongAndShortInputs) {
  const std::string long_a(100, 'a'), long_b = std::string(99, 'a') + "b";
  EXPECT_EQ(BoundedEditDistance(long_a, long_b, 2), 1);
  EXPECT_GT(JaroWinkler(long_a, long_b), 0.98);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 1e-2);
  std::string many;
  for (int i = 0; i < 40; ++i) many += "t" + std::to_string(i) + " ";
  EXPECT_DOUBLE_EQ(TokenJaccard(many, many), 1.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("a b", "b c"), 1.0 / 3);
  // The linear one-edit path agrees with the full recurrence.
  const char* const words[] = {"19810523", "19810532", "19810533", "1981053", "198105233", "91810523", "19180523",
                               "",         "a",        "ab",       "ba",      "abc",       "acb",      "bac"};
  for (const char* x : words) {
    for (const char* y : words) {
      const int full = std::min(BoundedEditDistance(x, y, 3), 2);
      EXPECT_EQ(BoundedEditDistance(x, y, 1), full) << x << " / " << y;
    }
  }
}

}  // namespace
}  // namespace impostor
