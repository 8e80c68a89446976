#include "photo/photo_reuse_detector.h"

#include <random>

#include <gtest/gtest.h>

namespace impostor {
namespace {

class CollectingSink : public FindingSink {
 public:
  void OnFinding(Finding&& f) override { findings.push_back(std::move(f)); }
  std::vector<Finding> findings;
};

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.words) w = rng();
  return h;
}

PdqHash Flip(PdqHash h, std::initializer_list<int> bits) {
  for (int b : bits) h.words[b >> 6] ^= uint64_t{1} << (b & 63);
  return h;
}

PhotoRecord Rec(std::string id, std::string name, std::vector<PdqHash> photos, std::vector<PdqHash> faces = {},
                std::string identity = "") {
  PhotoRecord r;
  r.record_id = std::move(id);
  r.name = std::move(name);
  r.identity = std::move(identity);
  r.source = "ats";
  r.org = "contoso";
  r.photo_hashes = std::move(photos);
  r.face_hashes = std::move(faces);
  return r;
}

TEST(PhotoReuseDetectorTest, SamePhotoUnderThreeNamesIsOneFinding) {
  std::mt19937_64 rng(1);
  const PdqHash photo = RandomHash(rng);
  PhotoReuseDetector det;
  det.Add(Rec("ats-17", "Alice Kim", {photo}));
  det.Add(Rec("hr-3", "Jon Park", {Flip(photo, {1, 2, 3, 4, 5, 6})}));
  det.Add(Rec("hr-9", "Min Lee", {Flip(photo, {100, 200})}));
  for (int i = 0; i < 200; ++i) det.Add(Rec("noise-" + std::to_string(i), "Person " + std::to_string(i), {RandomHash(rng)}));
  CollectingSink sink;
  det.Finish(sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  const Finding& f = sink.findings[0];
  EXPECT_EQ(f.detector, "photo.reuse");
  EXPECT_EQ(f.key, "photo.reuse|ats-17,hr-3,hr-9");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(f.explanation,
            "same photo (distance 2-6/256) under 3 names: Alice Kim (ats-17), Jon Park (hr-3), Min Lee (hr-9)");
  EXPECT_GT(f.confidence, 0.8);
  EXPECT_EQ(f.evidence.size(), 3u);
  EXPECT_EQ(f.org, "contoso");
  EXPECT_NE(f.attributes_json.find("\"persons\":3"), std::string::npos);
  EXPECT_EQ(f.related, (std::vector<std::string>{"ats-17", "hr-3", "hr-9"}));
  // The photo identifier is the cluster's canonical hash, shared by all members.
  const std::string& id = det.PhotoIdOf("ats-17");
  ASSERT_EQ(id.size(), 64u);
  EXPECT_EQ(id, f.entity);
  EXPECT_EQ(det.PhotoIdOf("hr-3"), id);
  EXPECT_EQ(det.PhotoIdOf("hr-9"), id);
  EXPECT_EQ(det.PhotoIdOf("noise-1"), "");
}

TEST(PhotoReuseDetectorTest, SamePersonsRepeatedPhotoIsNotAFinding) {
  std::mt19937_64 rng(2);
  const PdqHash photo = RandomHash(rng);
  PhotoReuseDetector det;
  det.Add(Rec("hr-1", "Alice  Kim", {photo}));
  det.Add(Rec("ats-4", "alice kim", {Flip(photo, {9})}));
  det.Add(Rec("acct-7", "A. Kim", {photo}, {}, "nid:123"));
  det.Add(Rec("payroll-2", "Alice Kim-Lee", {photo}, {}, "nid:123"));
  CollectingSink sink;
  det.Finish(sink);
  // hr-1/ats-4 share a name; acct-7/payroll-2 share an identity; but "A. Kim" with
  // an identity and "Alice Kim" without one are different claimed people.
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].severity, Severity::kMedium);
  EXPECT_NE(sink.findings[0].attributes_json.find("\"persons\":2"), std::string::npos);

  PhotoReuseDetector same;
  same.Add(Rec("hr-1", "Alice Kim", {photo}, {}, "nid:1"));
  same.Add(Rec("ats-4", "Alice Kim", {photo}, {}, "nid:1"));
  same.Add(Rec("acct-9", "alice KIM", {photo}));
  CollectingSink none;
  same.Finish(none);
  EXPECT_TRUE(none.findings.empty());
  EXPECT_EQ(same.clusters().size(), 1u);
  EXPECT_FALSE(same.PhotoIdOf("acct-9").empty());  // still evidence for persona resolution
}

TEST(PhotoReuseDetectorTest, SameIdentityDifferentNamesIsOnePerson) {
  std::mt19937_64 rng(3);
  const PdqHash photo = RandomHash(rng);
  PhotoReuseDetector det;
  det.Add(Rec("hr-1", "Jon Park", {photo}, {}, "nid:9"));
  det.Add(Rec("hr-2", "Jonathan Park", {photo}, {}, "nid:9"));
  det.Add(Rec("hr-3", "Jon Park", {photo}, {}, "nid:10"));  // same name, other identity
  CollectingSink sink;
  det.Finish(sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].explanation,
            "same photo (distance 0/256) under 2 names: Jon Park (hr-1, hr-2), Jon Park (hr-3)");
}

TEST(PhotoReuseDetectorTest, FaceMatchWithoutPhotoMatch) {
  std::mt19937_64 rng(4);
  const PdqHash face = RandomHash(rng);
  PhotoReuseDetector det;
  det.Add(Rec("idv-1", "Alice Kim", {RandomHash(rng)}, {face}));
  det.Add(Rec("idv-2", "Jon Park", {RandomHash(rng)}, {Flip(face, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})}));
  det.Add(Rec("idv-3", "Min Lee", {RandomHash(rng)}, {RandomHash(rng)}));
  CollectingSink sink;
  det.Finish(sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].title, "Same face under different names");
  EXPECT_EQ(sink.findings[0].explanation, "same face (distance 20/256) under 2 names: Alice Kim (idv-1), Jon Park (idv-2)");
  EXPECT_LT(sink.findings[0].confidence, 0.7);
  EXPECT_EQ(sink.findings[0].key, "photo.reuse|idv-1,idv-2");
}

TEST(PhotoReuseDetectorTest, DistantPhotosAreNotLinkedAndListIsCapped) {
  std::mt19937_64 rng(5);
  const PdqHash photo = RandomHash(rng);
  PhotoReuseOptions o;
  o.names_listed = 2;
  PhotoReuseDetector det(o);
  std::vector<int> bits;
  for (int i = 0; i < 32; ++i) bits.push_back(i * 7);
  PdqHash far = photo;
  for (int b : bits) far = Flip(far, {b});
  det.Add(Rec("a", "A One", {photo}));
  det.Add(Rec("b", "B Two", {far}));  // 32 bits away: no match
  det.Add(Rec("c", "C Three", {photo}));
  det.Add(Rec("d", "D Four", {photo}));
  det.Add(Rec("e", "E Five", {photo}));
  CollectingSink sink;
  det.Finish(sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].key, "photo.reuse|a,c,d,e");
  EXPECT_EQ(sink.findings[0].explanation,
            "same photo (distance 0/256) under 4 names: A One (a), C Three (c) and 2 more");
  EXPECT_EQ(det.PhotoIdOf("b"), "");
}

TEST(PhotoReuseDetectorTest, InfoDescribesParameters) {
  const DetectorInfo& info = PhotoReuseDetector::Info();
  EXPECT_EQ(info.id, "photo.reuse");
  ASSERT_EQ(info.params.size(), 3u);
  DetectorRegistry registry;
  RegisterPhotoDetectors(registry);
  EXPECT_EQ(registry.All().size(), 1u);
}

}  // namespace
}  // namespace impostor
