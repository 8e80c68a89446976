#include "photo/pdq_hasher.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace impostor {
namespace {

const std::string kDir = std::string(IMPOSTOR_TEST_DATA_DIR) + "/pdq/";

struct Expected {
  std::string hex;
  int quality = -1;  // -1 when the source gives none
};

// file -> implementation -> expected hash.
std::map<std::string, std::map<std::string, Expected>> LoadExpected() {
  std::map<std::string, std::map<std::string, Expected>> out;
  std::ifstream in(kDir + "expected_hashes.csv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    for (int i = 0; i < 4 && std::getline(ss, col, ','); ++i) cols.push_back(col);
    if (cols.size() < 4) continue;
    Expected e{cols[2], cols[3].empty() ? -1 : std::stoi(cols[3])};
    out[cols[0]][cols[1]] = e;
  }
  return out;
}

PdqHash Hex(const std::string& s) {
  Result<PdqHash> h = PdqHash::FromHex(s);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? *h : PdqHash{};
}

PdqResult HashOrDie(const std::string& rel) {
  PdqHasher hasher;
  Result<PdqResult> r = hasher.HashFile(kDir + rel);
  EXPECT_TRUE(r.ok()) << rel << ": " << r.status().ToString();
  return r.ok() ? *r : PdqResult{};
}

TEST(PdqHashTest, HexRoundTripsInReferenceOrder) {
  PdqHash h;
  h.SetBit(0);    // lowest bit of the last hex digit
  h.SetBit(255);  // highest bit of the first hex digit
  EXPECT_EQ(h.ToHex(), "8000000000000000000000000000000000000000000000000000000000000001");
  const std::string ref = "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22";
  EXPECT_EQ(Hex(ref).ToHex(), ref);
  EXPECT_EQ(Hex("F8F8F0CCE0F4E84D0E370A22028F67F0B36E2ED596623E1D33E6339C4E9C9B22").ToHex(), ref);
  EXPECT_FALSE(PdqHash::FromHex("f8f8").ok());
  EXPECT_FALSE(PdqHash::FromHex(std::string(63, '0') + "g").ok());
  EXPECT_EQ(HammingDistance(Hex(ref), Hex(ref)), 0);
  PdqHash flipped = Hex(ref);
  flipped.words[2] ^= 0x7;
  EXPECT_EQ(HammingDistance(Hex(ref), flipped), 3);
}

// Meta's conformance rule for an implementation using its own image decoder: within
// 10 bits of the reference hash. The C++ reference is used where published, the
// Python reference (re-run on these files) elsewhere; quality must be equal.
TEST(PdqHasherTest, MatchesReferenceHashesAndQuality) {
  const auto expected = LoadExpected();
  ASSERT_GE(expected.size(), 25u);
  int checked = 0;
  for (const auto& [file, by_impl] : expected) {
    auto it = by_impl.find("cpp-reference");
    if (it == by_impl.end()) it = by_impl.find("python-rerun");
    ASSERT_NE(it, by_impl.end()) << file;
    const PdqResult got = HashOrDie(file);
    const int distance = HammingDistance(got.hash, Hex(it->second.hex));
    // Tiny low-quality images (quality < 50) hash unstably across decoders and
    // implementations (the two Python runs differ by 10 bits on q0003); Meta drops
    // them. They still must land close.
    const int limit = got.quality >= kPdqMinQuality ? 10 : 16;
    EXPECT_LE(distance, limit) << file << " vs " << it->first << " got " << got.hash.ToHex();
    std::printf("conformance %-34s %-14s distance %2d quality %3d\n", file.c_str(), it->first.c_str(), distance,
                got.quality);
    auto py = by_impl.find("python-rerun");
    const int want_quality = py != by_impl.end() ? py->second.quality : it->second.quality;
    EXPECT_EQ(got.quality, want_quality) << file;
    ++checked;
  }
  EXPECT_EQ(checked, 25);
}

TEST(PdqHasherTest, EditedBridgePhotosMatchTheOriginal) {
  const PdqResult original = HashOrDie("dih/bridge-1-original.jpg");
  for (const char* edit : {"blur-a-little", "blur-a-lot", "high-contrast", "shrink-a-little", "shrink-a-lot",
                           "square-128x128", "square-256x256", "square-512x512"}) {
    const PdqResult r = HashOrDie(std::string("bridge-mods/") + edit + ".jpg");
    EXPECT_LE(HammingDistance(original.hash, r.hash), kPdqMatchDistance) << edit;
    EXPECT_GE(r.quality, kPdqMinQuality) << edit;
  }
}

TEST(PdqHasherTest, UnrelatedPhotosDoNotMatch) {
  std::vector<std::string> files = {"dih/bridge-1-original.jpg", "misc-images/wee.jpg"};
  for (const char* q : {"q0122", "q0291", "q0746", "q1050", "q2821"}) {
    files.push_back(std::string("labelme-subset/") + q + ".jpg");
  }
  std::vector<PdqResult> hashes;
  for (const auto& f : files) hashes.push_back(HashOrDie(f));
  for (size_t a = 0; a < files.size(); ++a) {
    for (size_t b = a + 1; b < files.size(); ++b) {
      EXPECT_GT(HammingDistance(hashes[a].hash, hashes[b].hash), kPdqMatchDistance)
          << files[a] << " vs " << files[b];
    }
  }
}

TEST(PdqHasherTest, LowQualityImagesAreFlagged) {
  EXPECT_LT(HashOrDie("misc-images/small.jpg").quality, kPdqMinQuality);
  EXPECT_LT(HashOrDie("labelme-subset/q0003.jpg").quality, kPdqMinQuality);
  EXPECT_LT(HashOrDie("labelme-subset/q0004.jpg").quality, kPdqMinQuality);
}

// The dihedral variants computed from the original's DCT must match the reference
// hashes of the actually rotated and flipped files.
TEST(PdqHasherTest, DihedralVariantsMatchRotatedFiles) {
  const auto expected = LoadExpected();
  const char* files[kDihedralCount] = {
      "dih/bridge-1-original.jpg", "dih/bridge-2-rotate-90.jpg",  "dih/bridge-3-rotate-180.jpg",
      "dih/bridge-4-rotate-270.jpg", "dih/bridge-5-flipx.jpg",     "dih/bridge-6-flipy.jpg",
      "dih/bridge-7-flip-plus-1.jpg", "dih/bridge-8-flip-minus-1.jpg"};
  Result<cv::Mat> img = DecodeImageFile(kDir + files[0]);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  PdqHasher hasher;
  Result<PdqDihedralResult> dih = hasher.HashDihedral(*img);
  ASSERT_TRUE(dih.ok());
  EXPECT_EQ(dih->quality, 100);
  for (int k = 0; k < kDihedralCount; ++k) {
    const PdqHash ref = Hex(expected.at(files[k]).at("cpp-reference").hex);
    const int d = HammingDistance(dih->hashes[k], ref);
    EXPECT_LE(d, 10) << DihedralName(static_cast<Dihedral>(k)) << " vs " << files[k];
    // And no other variant is the match.
    for (int other = 0; other < kDihedralCount; ++other) {
      if (other == k) continue;
      EXPECT_GT(HammingDistance(dih->hashes[other], ref), kPdqMatchDistance)
          << DihedralName(static_cast<Dihedral>(other)) << " vs " << files[k];
    }
  }
  // Hashing with dihedral variants leaves the plain hash unchanged.
  Result<PdqResult> plain = hasher.Hash(*img);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->hash, dih->hashes[0]);
}

TEST(PdqHasherTest, RotatingPixelsMatchesDihedralVariant) {
  Result<cv::Mat> img = DecodeImageFile(kDir + "dih/bridge-1-original.jpg");
  ASSERT_TRUE(img.ok());
  PdqHasher hasher;
  Result<PdqDihedralResult> dih = hasher.HashDihedral(*img);
  ASSERT_TRUE(dih.ok());
  cv::Mat rotated;
  cv::rotate(*img, rotated, cv::ROTATE_180);
  Result<PdqResult> r = hasher.Hash(rotated);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(HammingDistance(r->hash, dih->hashes[static_cast<int>(Dihedral::kRotate180)]), 10);
  cv::Mat mirrored;
  cv::flip(*img, mirrored, 1);  // left-right
  r = hasher.Hash(mirrored);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(HammingDistance(r->hash, dih->hashes[static_cast<int>(Dihedral::kFlipY)]), 10);
}

TEST(PdqHasherTest, GreyImageHashesLikeItsColourCopy) {
  Result<cv::Mat> img = DecodeImageFile(kDir + "labelme-subset/q1050.jpg");
  ASSERT_TRUE(img.ok());
  cv::Mat grey;
  cv::cvtColor(*img, grey, cv::COLOR_BGR2GRAY);
  PdqHasher hasher;
  Result<PdqResult> a = hasher.Hash(*img);
  Result<PdqResult> b = hasher.Hash(grey);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LE(HammingDistance(a->hash, b->hash), 4);
}

TEST(PdqHasherTest, BadInputIsAnErrorNotACrash) {
  PdqHasher hasher;
  Result<PdqResult> missing = hasher.HashFile(kDir + "no-such-file.jpg");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("no-such-file.jpg"), std::string::npos);

  Result<PdqResult> not_image = hasher.HashFile(kDir + "expected_hashes.csv");
  ASSERT_FALSE(not_image.ok());
  EXPECT_EQ(not_image.status().code(), Status::Code::kCorruption);

  Result<cv::Mat> truncated = DecodeImageBytes(std::string("\xff\xd8\xff\xe0garbage", 11), "upload #7");
  EXPECT_FALSE(truncated.ok());
  EXPECT_FALSE(hasher.Hash(cv::Mat()).ok());
  EXPECT_FALSE(hasher.Hash(cv::Mat(8, 8, CV_32FC1, cv::Scalar(0))).ok());
}

TEST(PdqHasherTest, TinyImagesHashWithoutCrashing) {
  PdqHasher hasher;
  for (int size : {1, 2, 3, 63, 64, 65, 127, 129}) {
    cv::Mat img(size, size + 1, CV_8UC3, cv::Scalar(10, 200, 30));
    Result<PdqResult> r = hasher.Hash(img);
    ASSERT_TRUE(r.ok()) << size;
    EXPECT_EQ(r->quality, 0) << size;  // flat
  }
}

}  // namespace
}  // namespace impostor
