// Fuzz target: photo decoding and hashing (src/photo/): bytes of a people
// record's photo go through OpenCV's decoders (JPEG, PNG, WebP, BMP, TIFF) and the
// PDQ hasher. Face detection is off: it is OpenCV's cascade, not a parser, and
// costs 0.1 s per image.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "photo/photo_file_hasher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<impostor::PhotoFileHasher> hasher = [] {
    // A crafted header can claim a huge image; cap what OpenCV allocates below
    // libFuzzer's memory limit (the product keeps OpenCV's own default cap).
    setenv("OPENCV_IO_MAX_IMAGE_PIXELS", "16777216", 1);
    impostor::PhotoFileHasherOptions options;
    options.faces = false;
    auto opened = impostor::PhotoFileHasher::Open(options);
    if (!opened.ok()) std::abort();
    return std::move(opened).value();
  }();
  auto hashes = hasher->HashBytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.jpg");
  if (hashes.ok() && (hashes->width <= 0 || hashes->height <= 0)) std::abort();
  return 0;
}
