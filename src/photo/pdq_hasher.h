// PdqHasher: Meta's PDQ perceptual hash (256 bits plus a 0..100 quality score),
// computed as the published algorithm and its C++ reference describe it:
//
//   1. luminance per pixel, 0.299 R + 0.587 G + 0.114 B (grey images as is);
//   2. two passes of a Jarosz tent filter, each pass a box filter along rows then
//      along columns, window = ceil(dimension / 128) for a 64-sample output;
//   3. decimation to 64x64 by sampling the filtered image at cell centres;
//   4. the quality score: the sum of absolute neighbour differences of the 64x64
//      block (in percent of full scale, truncated per pair) divided by 90, capped at 100;
//   5. a 16x16 DCT (DCT-II rows 1..16, the DC term skipped) of the 64x64 block;
//   6. bit (i, j) set when coefficient (i, j) is strictly above the median of the 256.
//
// The eight dihedral variants (rotations and flips of the picture) are computed
// from the one DCT by sign changes and transposition, so a rotated or mirrored copy
// of an image is found without hashing it eight times.
//
// Images are decoded with OpenCV imgcodecs (JPEG, PNG, WebP, BMP, TIFF), which gives
// BGR channel order; EXIF orientation is ignored as the reference ignores it.
//
// Thread safety: a PdqHasher owns scratch buffers and is not thread-safe; use one
// per thread. Construction is cheap. The free functions are thread-safe.
#ifndef IMPOSTOR_PHOTO_PDQ_HASHER_H_
#define IMPOSTOR_PHOTO_PDQ_HASHER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "common/status.h"
#include "photo/pdq_hash.h"

namespace impostor {

// The eight symmetries of a rectangle, in the reference tool's output order.
enum class Dihedral : uint8_t {
  kOriginal = 0,
  kRotate90,
  kRotate180,
  kRotate270,
  kFlipX,       // mirrored top to bottom
  kFlipY,       // mirrored left to right
  kFlipPlus1,   // transposed (mirrored about the main diagonal)
  kFlipMinus1,  // mirrored about the anti-diagonal
};
inline constexpr int kDihedralCount = 8;
const char* DihedralName(Dihedral d);  // "original", "rotate90", ...

struct PdqResult {
  PdqHash hash;
  int quality = 0;  // 0..100; below kPdqMinQuality the hash is not worth comparing
};

struct PdqDihedralResult {
  std::array<PdqHash, kDihedralCount> hashes;  // indexed by Dihedral
  int quality = 0;
};

// Decodes an image file to 8-bit BGR (grey and alpha images are converted).
// NotFound if the file is missing, Corruption if it is not a readable image.
Result<cv::Mat> DecodeImageFile(const std::string& path);
// The same for an encoded image held in memory; `what` names it in errors.
Result<cv::Mat> DecodeImageBytes(std::string_view bytes, std::string_view what);

class PdqHasher {
 public:
  PdqHasher() = default;

  // Hashes an 8-bit image with 1 (grey), 3 (BGR) or 4 (BGRA) channels.
  // InvalidArgument for an empty image or another pixel type.
  Result<PdqResult> Hash(const cv::Mat& image);
  Result<PdqDihedralResult> HashDihedral(const cv::Mat& image);

  // Decode + hash, errors carry the path.
  Result<PdqResult> HashFile(const std::string& path);

  // Hashes a row-major luminance buffer of rows x cols floats (0..255).
  PdqResult HashLuma(const float* luma, int rows, int cols);
  PdqDihedralResult HashLumaDihedral(const float* luma, int rows, int cols);

 private:
  Status LoadLuma(const cv::Mat& image);
  // Runs steps 2..5 on luma_ (rows_ x cols_); leaves the DCT in dct16_.
  int ComputeDct();

  int rows_ = 0;
  int cols_ = 0;
  std::vector<float> luma_;     // rows_ * cols_; filtered in place
  std::vector<float> scratch_;  // rows_ * cols_
  std::vector<float> col_sum_;  // cols_, for the column box filter
  std::array<float, 64 * 64> block64_{};
  std::array<float, 16 * 64> tmp16x64_{};
  std::array<float, 16 * 16> dct16_{};
};

// Sets the hash bits from a 16x16 DCT block: bit i*16+j when above the median.
PdqHash PdqHashFromDct(const float* dct16x16);

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_PDQ_HASHER_H_
