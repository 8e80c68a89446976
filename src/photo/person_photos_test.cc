#include "photo/person_photos.h"

#include <gtest/gtest.h>

namespace impostor {
namespace {

class CollectingSink : public FindingSink {
 public:
  void OnFinding(Finding&& f) override { findings.push_back(std::move(f)); }
  std::vector<Finding> findings;
};

// The people file is notional: only its directory matters for relative photo paths.
const std::string kPeopleFile = std::string(IMPOSTOR_TEST_DATA_DIR) + "/pdq/people.csv";

Person P(std::string id, std::string name, std::string photo, uint64_t line) {
  Person p;
  p.record_id = std::move(id);
  p.full_name = std::move(name);
  p.photo = std::move(photo);
  p.source = PersonSource::kAts;
  p.org = "contoso";
  p.source_file = kPeopleFile;
  p.source_line = line;
  return p;
}

TEST(PersonPhotoHasherTest, HashesPathsTakesGivenHashesAndReportsBadPhotos) {
  Result<std::unique_ptr<PhotoFileHasher>> files = PhotoFileHasher::Open();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  PersonPhotoHasher hasher(files->get());
  std::vector<std::string> problems;

  const PhotoRecord a = hasher.Hash(P("ats-17", "Alice Kim", "dih/bridge-1-original.jpg", 2), &problems);
  ASSERT_EQ(a.photo_hashes.size(), 1u);
  EXPECT_EQ(a.name, "Alice Kim");
  EXPECT_EQ(a.source, "ats");

  // The edited copy under another name, and the same photo given as its hash.
  const PhotoRecord b = hasher.Hash(P("hr-3", "Jon Park", "bridge-mods/blur-a-lot.jpg", 3), &problems);
  const PhotoRecord c = hasher.Hash(P("idv-9", "Min Lee", a.photo_hashes[0].ToHex(), 4), &problems);
  ASSERT_EQ(b.photo_hashes.size(), 1u);
  ASSERT_EQ(c.photo_hashes.size(), 1u);

  const PhotoRecord face = hasher.Hash(P("ats-20", "Eileen C", "faces/astronaut.png", 5), &problems);
  EXPECT_EQ(face.photo_hashes.size(), 1u);
  EXPECT_FALSE(face.face_hashes.empty());

  Person given_family = P("hr-8", "", "misc-images/small.jpg", 6);  // quality 0: dropped
  given_family.given_name = "Ana";
  given_family.family_name = "Silva";
  const PhotoRecord low = hasher.Hash(given_family, &problems);
  EXPECT_EQ(low.name, "Ana Silva");
  EXPECT_TRUE(low.photo_hashes.empty());

  const PhotoRecord missing = hasher.Hash(P("hr-5", "Bo Chan", "no/such.jpg", 7), &problems);
  EXPECT_TRUE(missing.photo_hashes.empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("people.csv:7"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("no/such.jpg"), std::string::npos) << problems[0];

  const PhotoRecord none = hasher.Hash(P("hr-6", "No Photo", "", 8), &problems);
  EXPECT_TRUE(none.photo_hashes.empty());

  const PersonPhotoStats& s = hasher.stats();
  EXPECT_EQ(s.records, 7u);
  EXPECT_EQ(s.with_photo, 6u);
  EXPECT_EQ(s.hashed, 4u);
  EXPECT_EQ(s.given_hash, 1u);
  EXPECT_EQ(s.unreadable, 1u);
  EXPECT_EQ(s.low_quality, 1u);

  PhotoReuseDetector det;
  for (const PhotoRecord* r : {&a, &b, &c, &face, &low, &missing, &none}) det.Add(*r);
  CollectingSink sink;
  det.Finish(sink);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].key, "photo.reuse|ats-17,hr-3,idv-9");
  EXPECT_NE(sink.findings[0].explanation.find("under 3 names: Alice Kim (ats-17), Jon Park (hr-3), Min Lee (idv-9)"),
            std::string::npos)
      << sink.findings[0].explanation;
  EXPECT_EQ(det.PhotoIdOf("ats-17"), det.PhotoIdOf("idv-9"));
  EXPECT_EQ(det.PhotoIdOf("ats-20"), "");
}

}  // namespace
}  // namespace impostor
