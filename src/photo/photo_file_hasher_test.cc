#include "photo/photo_file_hasher.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace impostor {
namespace {

const std::string kDir = std::string(IMPOSTOR_TEST_DATA_DIR) + "/pdq/";

TEST(PhotoFileHasherTest, HashesFileAndFaces) {
  Result<std::unique_ptr<PhotoFileHasher>> h = PhotoFileHasher::Open();
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  Result<PhotoHashes> r = (*h)->HashFile(kDir + "faces/astronaut.png");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->width, 512);
  EXPECT_EQ(r->height, 512);
  EXPECT_EQ(r->quality, 100);
  ASSERT_FALSE(r->faces.empty());
  // The astronaut's face is the box around (225, 115).
  bool found = false;
  for (const FaceRegionHash& f : r->faces) {
    found |= f.x < 225 && 225 < f.x + f.width && f.y < 115 && 115 < f.y + f.height;
  }
  EXPECT_TRUE(found);
}

TEST(PhotoFileHasherTest, BytesHashLikeTheFile) {
  PhotoFileHasherOptions o;
  o.faces = false;
  Result<std::unique_ptr<PhotoFileHasher>> h = PhotoFileHasher::Open(o);
  ASSERT_TRUE(h.ok());
  const std::string path = kDir + "labelme-subset/q0122.jpg";
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  Result<PhotoHashes> a = (*h)->HashFile(path);
  Result<PhotoHashes> b = (*h)->HashBytes(ss.str(), "q0122");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->hash, b->hash);
  EXPECT_EQ(a->hash.ToHex(), "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940");
  EXPECT_TRUE(a->faces.empty());
  Result<PhotoHashes> bad = (*h)->HashBytes("not an image", "upload 3");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("upload 3"), std::string::npos);
}

TEST(PhotoFileHasherTest, MissingCascadeFailsOpen) {
  PhotoFileHasherOptions o;
  o.face_cascade_path = "/nonexistent.xml";
  EXPECT_EQ(PhotoFileHasher::Open(o).status().code(), Status::Code::kNotFound);
}

TEST(PhotoFileHasherTest, ImageExtensions) {
  EXPECT_TRUE(HasImageExtension("a/b/photo.JPG"));
  EXPECT_TRUE(HasImageExtension("x.webp"));
  EXPECT_TRUE(HasImageExtension("x.tiff"));
  EXPECT_FALSE(HasImageExtension("x.csv"));
  EXPECT_FALSE(HasImageExtension("dir.jpg/readme"));
  EXPECT_FALSE(HasImageExtension("noext"));
}

}  // namespace
}  // namespace impostor
