// PhotoFileHasher: decode an image file (or bytes) and compute its whole-image PDQ
// hash and the PDQ hashes of its face regions, in one call. This is the entry point
// for commands and the scan pipeline; its header names no OpenCV type, so callers
// need not compile against OpenCV.
//
// Thread safety: not thread-safe (it owns a face detector and scratch buffers); open
// one per thread.
#ifndef IMPOSTOR_PHOTO_PHOTO_FILE_HASHER_H_
#define IMPOSTOR_PHOTO_PHOTO_FILE_HASHER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "photo/pdq_hash.h"

namespace impostor {

struct PhotoFileHasherOptions {
  bool faces = true;  // detect and hash face regions
  // Face cascade; empty means FaceHasherOptions' default (Debian opencv-data).
  std::string face_cascade_path;
};

struct FaceRegionHash {
  int x = 0, y = 0, width = 0, height = 0;  // detected face box, image pixels
  PdqHash hash;
  int quality = 0;
  bool eye_aligned = false;
};

struct PhotoHashes {
  int width = 0;
  int height = 0;
  PdqHash hash;      // whole image
  int quality = 0;   // 0..100; below kPdqMinQuality the hash is not worth comparing
  std::vector<FaceRegionHash> faces;  // largest first
};

class PhotoFileHasher {
 public:
  // Fails when faces are on and the cascade is missing or unreadable.
  static Result<std::unique_ptr<PhotoFileHasher>> Open(const PhotoFileHasherOptions& options = {});
  ~PhotoFileHasher();

  // NotFound for a missing file, Corruption for one that is not a readable image;
  // the message names the path.
  Result<PhotoHashes> HashFile(const std::string& path);
  Result<PhotoHashes> HashBytes(std::string_view bytes, std::string_view what);

 private:
  struct Impl;
  explicit PhotoFileHasher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True for file names ending in an image extension impostor decodes
// (.jpg .jpeg .png .webp .bmp .tif .tiff), any case.
bool HasImageExtension(std::string_view path);

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_PHOTO_FILE_HASHER_H_
