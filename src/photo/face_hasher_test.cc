#include "photo/face_hasher.h"

#include <cstdio>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace impostor {
namespace {

const std::string kFace = std::string(IMPOSTOR_TEST_DATA_DIR) + "/pdq/faces/astronaut.png";
const std::string kOther = std::string(IMPOSTOR_TEST_DATA_DIR) + "/pdq/labelme-subset/q2821.jpg";

// The head-and-shoulders part of the astronaut photo: what a worker pastes on a document.
cv::Mat Portrait() {
  Result<cv::Mat> img = DecodeImageFile(kFace);
  EXPECT_TRUE(img.ok()) << img.status().ToString();
  if (!img.ok()) return cv::Mat(300, 250, CV_8UC3, cv::Scalar(128, 128, 128));
  return (*img)(cv::Rect(100, 0, 250, 300)).clone();
}

void Paste(cv::Mat& page, const cv::Mat& photo, cv::Rect where) {
  cv::Mat scaled;
  cv::resize(photo, scaled, where.size(), 0, 0, cv::INTER_AREA);
  scaled.copyTo(page(where));
}

// Re-encodes as JPEG, as an upload pipeline would.
cv::Mat Jpeg(const cv::Mat& img, int quality) {
  std::vector<uint8_t> buf;
  cv::imencode(".jpg", img, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(buf, cv::IMREAD_COLOR);
}

// A landscape ID card: pale blue guilloche-like stripes, text lines, photo on the left.
cv::Mat IdCard(const cv::Mat& photo) {
  cv::Mat page(630, 1000, CV_8UC3, cv::Scalar(235, 220, 200));
  for (int y = 0; y < page.rows; y += 14) cv::line(page, {0, y}, {page.cols, y + 40}, cv::Scalar(220, 200, 170), 2);
  cv::rectangle(page, cv::Rect(0, 0, 1000, 90), cv::Scalar(140, 60, 20), cv::FILLED);
  cv::putText(page, "IDENTITY CARD", {330, 60}, cv::FONT_HERSHEY_SIMPLEX, 1.5, cv::Scalar(255, 255, 255), 3);
  const char* lines[] = {"SURNAME  KIM", "GIVEN NAMES  ALICE", "DATE OF BIRTH  12 MAR 1991", "NO. 483 220 917"};
  for (int i = 0; i < 4; ++i) {
    cv::putText(page, lines[i], {400, 180 + 70 * i}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(40, 40, 40), 2);
  }
  Paste(page, photo, cv::Rect(60, 140, 250, 300));
  return Jpeg(page, 90);
}

// A portrait passport data page: beige, a different layout, photo larger and on the right.
cv::Mat PassportPage(const cv::Mat& photo) {
  cv::Mat page(1000, 760, CV_8UC3, cv::Scalar(190, 225, 240));
  for (int x = 0; x < page.cols; x += 22) cv::line(page, {x, 0}, {x - 200, page.rows}, cv::Scalar(170, 205, 225), 3);
  cv::putText(page, "PASSPORT", {40, 90}, cv::FONT_HERSHEY_DUPLEX, 2.0, cv::Scalar(60, 30, 120), 3);
  const char* lines[] = {"Surname / PARK", "Given names / JON", "Nationality / -", "Date of expiry / 2031"};
  for (int i = 0; i < 4; ++i) {
    cv::putText(page, lines[i], {40, 260 + 80 * i}, cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(30, 30, 30), 2);
  }
  for (int i = 0; i < 2; ++i) {
    cv::putText(page, "P<UTOPARK<<JON<<<<<<<<<<<<<<<<<<<", {20, 900 + 45 * i}, cv::FONT_HERSHEY_PLAIN, 2.0,
                cv::Scalar(0, 0, 0), 2);
  }
  Paste(page, photo, cv::Rect(400, 200, 312, 375));  // 1.25x the card's photo
  return Jpeg(page, 80);
}

Result<std::unique_ptr<FaceHasher>> OpenDefault() { return FaceHasher::Open(FaceHasherOptions{}); }

int ClosestFaceDistance(const std::vector<FaceHash>& a, const std::vector<FaceHash>& b) {
  int best = 257;
  for (const auto& x : a) {
    for (const auto& y : b) best = std::min(best, HammingDistance(x.hash, y.hash));
  }
  return best;
}

TEST(FaceHasherTest, MissingCascadeIsAClearError) {
  FaceHasherOptions o;
  o.cascade_path = "/nonexistent/haarcascade.xml";
  Result<std::unique_ptr<FaceHasher>> fh = FaceHasher::Open(o);
  ASSERT_FALSE(fh.ok());
  EXPECT_EQ(fh.status().code(), Status::Code::kNotFound);
  EXPECT_NE(fh.status().message().find("/nonexistent/haarcascade.xml"), std::string::npos);
  EXPECT_NE(fh.status().message().find("opencv-data"), std::string::npos);

  o.cascade_path = kOther;  // exists, but is a JPEG
  fh = FaceHasher::Open(o);
  ASSERT_FALSE(fh.ok());
  EXPECT_EQ(fh.status().code(), Status::Code::kCorruption);
}

TEST(FaceHasherTest, SameFaceOnTwoDocumentsMatchesWholeImagesDoNot) {
  Result<std::unique_ptr<FaceHasher>> fh = OpenDefault();
  ASSERT_TRUE(fh.ok()) << fh.status().ToString();
  const cv::Mat portrait = Portrait();
  const cv::Mat card = IdCard(portrait);
  const cv::Mat passport = PassportPage(portrait);

  PdqHasher pdq;
  Result<PdqResult> whole_card = pdq.Hash(card);
  Result<PdqResult> whole_passport = pdq.Hash(passport);
  ASSERT_TRUE(whole_card.ok() && whole_passport.ok());
  const int whole = HammingDistance(whole_card->hash, whole_passport->hash);
  EXPECT_GT(whole, kPdqMatchDistance);

  Result<std::vector<FaceHash>> card_faces = (*fh)->Hash(card);
  Result<std::vector<FaceHash>> passport_faces = (*fh)->Hash(passport);
  ASSERT_TRUE(card_faces.ok() && passport_faces.ok());
  ASSERT_FALSE(card_faces->empty());
  ASSERT_FALSE(passport_faces->empty());
  const int face = ClosestFaceDistance(*card_faces, *passport_faces);
  std::printf("same face on two documents: whole-image distance %d, face distance %d (faces %zu, %zu)\n", whole,
              face, card_faces->size(), passport_faces->size());
  EXPECT_LE(face, kFaceMatchDistance);
  EXPECT_TRUE((*card_faces)[0].eye_aligned);
  EXPECT_TRUE((*passport_faces)[0].eye_aligned);

  // The same card shrunk and re-compressed harder still matches.
  cv::Mat small;
  cv::resize(card, small, cv::Size(), 0.85, 0.85, cv::INTER_AREA);
  Result<std::vector<FaceHash>> small_faces = (*fh)->Hash(Jpeg(small, 70));
  ASSERT_TRUE(small_faces.ok());
  ASSERT_FALSE(small_faces->empty());
  const int resized = ClosestFaceDistance(*card_faces, *small_faces);
  std::printf("same card at 85%% size, JPEG q70: face distance %d\n", resized);
  EXPECT_LE(resized, kFaceMatchDistance);
}

// Both documents resized and re-compressed over a grid; distances to the original
// card's face are printed (docs/photos.md quotes them) and most must match.
TEST(FaceHasherTest, FaceMatchesSurviveResizingAndRecompression) {
  Result<std::unique_ptr<FaceHasher>> fh = OpenDefault();
  ASSERT_TRUE(fh.ok()) << fh.status().ToString();
  const cv::Mat portrait = Portrait();
  const cv::Mat card = IdCard(portrait);
  Result<std::vector<FaceHash>> reference = (*fh)->Hash(card);
  ASSERT_TRUE(reference.ok());
  ASSERT_FALSE(reference->empty());
  int cases = 0, matched = 0;
  for (const cv::Mat& page : {card, PassportPage(portrait)}) {
    for (double scale : {0.6, 0.7, 0.85, 1.25}) {
      for (int quality : {60, 85}) {
        cv::Mat resized;
        cv::resize(page, resized, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        Result<std::vector<FaceHash>> faces = (*fh)->Hash(Jpeg(resized, quality));
        ASSERT_TRUE(faces.ok());
        const int d = ClosestFaceDistance(*reference, *faces);
        std::printf("%s x%.2f q%d: face distance %d\n", cases < 8 ? "card" : "passport", scale, quality, d);
        ++cases;
        matched += d <= kFaceMatchDistance;
      }
    }
  }
  std::printf("face matches within %d bits: %d of %d\n", kFaceMatchDistance, matched, cases);
  EXPECT_GE(matched, cases * 3 / 4);
}

TEST(FaceHasherTest, PageWithoutFacesHasNoFaceHashes) {
  Result<std::unique_ptr<FaceHasher>> fh = OpenDefault();
  ASSERT_TRUE(fh.ok()) << fh.status().ToString();
  cv::Mat blank = IdCard(cv::Mat(300, 250, CV_8UC3, cv::Scalar(200, 200, 200)));
  Result<std::vector<FaceHash>> faces = (*fh)->Hash(blank);
  ASSERT_TRUE(faces.ok());
  EXPECT_TRUE(faces->empty());
  EXPECT_FALSE((*fh)->Hash(cv::Mat()).ok());
}

// Only one real face photo ships in Debian under a licence fit for a repository (the
// public-domain NASA portrait in python3-skimage), so two different faces on one page
// are tested with the face rectangle the layout defines: the same ID-card template,
// once with the astronaut's portrait and once with another photo in the portrait box.
// The pages share most of their pixels; the face-region hashes must still differ.
TEST(FaceHasherTest, DifferentPhotosInOneTemplateGiveDifferentFaceHashes) {
  FaceHasherOptions o;
  o.eye_cascade_path.clear();  // the rectangle is given; the other photo has no eyes
  Result<std::unique_ptr<FaceHasher>> fh = FaceHasher::Open(o);
  ASSERT_TRUE(fh.ok()) << fh.status().ToString();
  Result<cv::Mat> other = DecodeImageFile(kOther);
  ASSERT_TRUE(other.ok());
  const cv::Mat card_a = IdCard(Portrait());
  const cv::Mat card_b = IdCard(*other);
  PdqHasher pdq;
  Result<PdqResult> whole_a = pdq.Hash(card_a);
  Result<PdqResult> whole_b = pdq.Hash(card_b);
  ASSERT_TRUE(whole_a.ok() && whole_b.ok());
  const cv::Rect portrait_box(60, 140, 250, 300);
  Result<FaceHash> face_a = (*fh)->HashRegion(card_a, portrait_box);
  Result<FaceHash> face_b = (*fh)->HashRegion(card_b, portrait_box);
  ASSERT_TRUE(face_a.ok() && face_b.ok());
  const int whole = HammingDistance(whole_a->hash, whole_b->hash);
  const int face = HammingDistance(face_a->hash, face_b->hash);
  std::printf("different photos in one template: whole-image distance %d, face-region distance %d\n", whole, face);
  EXPECT_GT(face, kFaceMatchDistance);
  EXPECT_GT(face, whole);
  EXPECT_FALSE(face_a->eye_aligned);
}

TEST(FaceHasherTest, RegionOutsideTheImageIsAnError) {
  Result<std::unique_ptr<FaceHasher>> fh = OpenDefault();
  ASSERT_TRUE(fh.ok());
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(1, 2, 3));
  EXPECT_FALSE((*fh)->HashRegion(img, cv::Rect(500, 500, 50, 50)).ok());
}

}  // namespace
}  // namespace impostor
