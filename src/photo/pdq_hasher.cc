#include "photo/pdq_hasher.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace impostor {
namespace {

constexpr int kBlock = 64;  // decimated size
constexpr int kDct = 16;    // DCT output size
constexpr int kJaroszPasses = 2;

// The reference's window: ceil(old / (2 * new)) written as (old + 2*new - 1) / (2*new).
int JaroszWindow(int old_dimension) {
  return (old_dimension + 2 * kBlock - 1) / (2 * kBlock);
}

// D[i][j] = sqrt(2/64) cos(pi/128 (i+1)(2j+1)): DCT-II basis rows 1..16.
const std::array<float, kDct * kBlock>& DctMatrix() {
  static const std::array<float, kDct * kBlock> kMatrix = [] {
    std::array<float, kDct * kBlock> m{};
    const double scale = std::sqrt(2.0 / kBlock);
    for (int i = 0; i < kDct; ++i) {
      for (int j = 0; j < kBlock; ++j) {
        m[i * kBlock + j] =
            static_cast<float>(scale * std::cos((std::numbers::pi / 2 / kBlock) * (i + 1) * (2 * j + 1)));
      }
    }
    return m;
  }();
  return kMatrix;
}

// Box filter of one row, the window centred as in the reference: it grows over the
// first half-window, slides, then shrinks over the last. Sums in the same order as
// the reference so results are bit-identical.
void BoxRow(const float* in, float* out, int n, int window) {
  const int half = (window + 2) / 2;
  const int phase1 = half - 1;
  const int phase2 = window - half + 1;
  const int phase3 = n - window;
  const int phase4 = half - 1;
  int li = 0, ri = 0, oi = 0, size = 0;
  float sum = 0;
  for (int k = 0; k < phase1; ++k) { sum += in[ri++]; ++size; }
  for (int k = 0; k < phase2; ++k) { sum += in[ri++]; ++size; out[oi++] = sum / size; }
  for (int k = 0; k < phase3; ++k) { sum += in[ri++]; sum -= in[li++]; out[oi++] = sum / size; }
  for (int k = 0; k < phase4; ++k) { sum -= in[li++]; --size; out[oi++] = sum / size; }
}

// The same filter down every column at once: per column the additions happen in the
// reference's order, but memory is walked row by row.
void BoxColumns(const float* in, float* out, int rows, int cols, int window, float* sum) {
  const int half = (window + 2) / 2;
  const int phase1 = half - 1;
  const int phase2 = window - half + 1;
  const int phase3 = rows - window;
  const int phase4 = half - 1;
  std::fill(sum, sum + cols, 0.0f);
  int li = 0, ri = 0, oi = 0, size = 0;
  auto add = [&](int r) {
    const float* row = in + static_cast<size_t>(r) * cols;
    for (int c = 0; c < cols; ++c) sum[c] += row[c];
  };
  auto sub = [&](int r) {
    const float* row = in + static_cast<size_t>(r) * cols;
    for (int c = 0; c < cols; ++c) sum[c] -= row[c];
  };
  auto emit = [&](int r) {
    float* row = out + static_cast<size_t>(r) * cols;
    const float s = static_cast<float>(size);
    for (int c = 0; c < cols; ++c) row[c] = sum[c] / s;
  };
  for (int k = 0; k < phase1; ++k) { add(ri++); ++size; }
  for (int k = 0; k < phase2; ++k) { add(ri++); ++size; emit(oi++); }
  for (int k = 0; k < phase3; ++k) {
    // The reference adds the entering sample before removing the leaving one.
    const float* enter = in + static_cast<size_t>(ri++) * cols;
    const float* leave = in + static_cast<size_t>(li++) * cols;
    for (int c = 0; c < cols; ++c) { sum[c] += enter[c]; sum[c] -= leave[c]; }
    emit(oi++);
  }
  for (int k = 0; k < phase4; ++k) { sub(li++); --size; emit(oi++); }
}

int QualityFromBlock(const float* b) {
  int gradient_sum = 0;
  for (int i = 0; i < kBlock - 1; ++i) {
    for (int j = 0; j < kBlock; ++j) {
      const float u = b[i * kBlock + j], v = b[(i + 1) * kBlock + j];
      const int d = static_cast<int>(((u - v) * 100) / 255);
      gradient_sum += std::abs(d);
    }
  }
  for (int i = 0; i < kBlock; ++i) {
    for (int j = 0; j < kBlock - 1; ++j) {
      const float u = b[i * kBlock + j], v = b[i * kBlock + j + 1];
      const int d = static_cast<int>(((u - v) * 100) / 255);
      gradient_sum += std::abs(d);
    }
  }
  return std::min(gradient_sum / 90, 100);
}

// Dihedral variants of the DCT. Coefficient (i, j) has vertical frequency i+1 and
// horizontal frequency j+1, so mirroring a direction multiplies by (-1)^(f) for that
// direction's frequency f, and a quarter turn also transposes.
using Block16 = std::array<float, kDct * kDct>;
Block16 Transform(const float* a, Dihedral d) {
  Block16 b{};
  for (int i = 0; i < kDct; ++i) {
    for (int j = 0; j < kDct; ++j) {
      const float x = a[i * kDct + j];
      switch (d) {
        case Dihedral::kOriginal: b[i * kDct + j] = x; break;
        case Dihedral::kRotate90: b[j * kDct + i] = (j & 1) ? x : -x; break;
        case Dihedral::kRotate180: b[i * kDct + j] = ((i + j) & 1) ? -x : x; break;
        case Dihedral::kRotate270: b[j * kDct + i] = (i & 1) ? x : -x; break;
        case Dihedral::kFlipX: b[i * kDct + j] = (i & 1) ? x : -x; break;
        case Dihedral::kFlipY: b[i * kDct + j] = (j & 1) ? x : -x; break;
        case Dihedral::kFlipPlus1: b[j * kDct + i] = x; break;
        case Dihedral::kFlipMinus1: b[j * kDct + i] = ((i + j) & 1) ? -x : x; break;
      }
    }
  }
  return b;
}

}  // namespace

const char* DihedralName(Dihedral d) {
  switch (d) {
    case Dihedral::kOriginal: return "original";
    case Dihedral::kRotate90: return "rotate90";
    case Dihedral::kRotate180: return "rotate180";
    case Dihedral::kRotate270: return "rotate270";
    case Dihedral::kFlipX: return "flipx";
    case Dihedral::kFlipY: return "flipy";
    case Dihedral::kFlipPlus1: return "flipplus1";
    case Dihedral::kFlipMinus1: return "flipminus1";
  }
  return "unknown";
}

PdqHash PdqHashFromDct(const float* dct16x16) {
  // The median is the 128th smallest of the 256 (the reference's Torben median
  // returns the lower middle element for an even count).
  std::array<float, kDct * kDct> sorted;
  std::copy(dct16x16, dct16x16 + kDct * kDct, sorted.begin());
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  const float median = sorted[127];
  PdqHash h;
  for (int k = 0; k < kDct * kDct; ++k) {
    if (dct16x16[k] > median) h.SetBit(k);
  }
  return h;
}

static Result<cv::Mat> NormaliseDecoded(cv::Mat img, std::string_view what) {
  if (img.empty()) {
    return Status::Corruption(std::string(what) + ": not a readable image (JPEG, PNG, WebP, BMP or TIFF)");
  }
  return img;
}

Result<cv::Mat> DecodeImageFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(path + ": no such image file");
  }
  try {
    // IMREAD_COLOR gives 8-bit BGR for every input; orientation ignored as in the reference.
    return NormaliseDecoded(cv::imread(path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION), path);
  } catch (const cv::Exception& e) {
    return Status::Corruption(path + ": image decoder failed: " + e.what());
  }
}

Result<cv::Mat> DecodeImageBytes(std::string_view bytes, std::string_view what) {
  if (bytes.empty()) return Status::Corruption(std::string(what) + ": empty image");
  try {
    cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    return NormaliseDecoded(cv::imdecode(buf, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION), what);
  } catch (const cv::Exception& e) {
    return Status::Corruption(std::string(what) + ": image decoder failed: " + e.what());
  }
}

Status PdqHasher::LoadLuma(const cv::Mat& image) {
  if (image.empty()) return Status::InvalidArgument("PDQ: empty image");
  if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)) {
    return Status::InvalidArgument("PDQ: image must be 8-bit grey, BGR or BGRA");
  }
  rows_ = image.rows;
  cols_ = image.cols;
  luma_.resize(static_cast<size_t>(rows_) * cols_);
  const int ch = image.channels();
  for (int r = 0; r < rows_; ++r) {
    const uint8_t* p = image.ptr<uint8_t>(r);
    float* out = luma_.data() + static_cast<size_t>(r) * cols_;
    if (ch == 1) {
      for (int c = 0; c < cols_; ++c) out[c] = p[c];
    } else {
      constexpr float kR = 0.299f, kG = 0.587f, kB = 0.114f;
      for (int c = 0; c < cols_; ++c, p += ch) out[c] = kR * p[2] + kG * p[1] + kB * p[0];
    }
  }
  return Status::OK();
}

int PdqHasher::ComputeDct() {
  const size_t n = static_cast<size_t>(rows_) * cols_;
  scratch_.resize(n);
  col_sum_.resize(cols_);
  const int window_along_rows = JaroszWindow(cols_);
  const int window_along_cols = JaroszWindow(rows_);
  for (int pass = 0; pass < kJaroszPasses; ++pass) {
    for (int r = 0; r < rows_; ++r) {
      BoxRow(luma_.data() + static_cast<size_t>(r) * cols_, scratch_.data() + static_cast<size_t>(r) * cols_,
             cols_, window_along_rows);
    }
    BoxColumns(scratch_.data(), luma_.data(), rows_, cols_, window_along_cols, col_sum_.data());
  }
  // Decimate: sample at cell centres.
  for (int i = 0; i < kBlock; ++i) {
    const int ini = static_cast<int>(((i + 0.5) * rows_) / kBlock);
    for (int j = 0; j < kBlock; ++j) {
      const int inj = static_cast<int>(((j + 0.5) * cols_) / kBlock);
      block64_[i * kBlock + j] = luma_[static_cast<size_t>(ini) * cols_ + inj];
    }
  }
  const int quality = QualityFromBlock(block64_.data());
  // DCT: T = D A (16x64), then B = T D' (16x16).
  const auto& d = DctMatrix();
  for (int i = 0; i < kDct; ++i) {
    for (int j = 0; j < kBlock; ++j) {
      float s = 0;
      for (int k = 0; k < kBlock; ++k) s += d[i * kBlock + k] * block64_[k * kBlock + j];
      tmp16x64_[i * kBlock + j] = s;
    }
  }
  for (int i = 0; i < kDct; ++i) {
    for (int j = 0; j < kDct; ++j) {
      float s = 0;
      for (int k = 0; k < kBlock; ++k) s += tmp16x64_[i * kBlock + k] * d[j * kBlock + k];
      dct16_[i * kDct + j] = s;
    }
  }
  return quality;
}

PdqResult PdqHasher::HashLuma(const float* luma, int rows, int cols) {
  rows_ = rows;
  cols_ = cols;
  luma_.assign(luma, luma + static_cast<size_t>(rows) * cols);
  PdqResult r;
  r.quality = ComputeDct();
  r.hash = PdqHashFromDct(dct16_.data());
  return r;
}

PdqDihedralResult PdqHasher::HashLumaDihedral(const float* luma, int rows, int cols) {
  rows_ = rows;
  cols_ = cols;
  luma_.assign(luma, luma + static_cast<size_t>(rows) * cols);
  PdqDihedralResult r;
  r.quality = ComputeDct();
  for (int k = 0; k < kDihedralCount; ++k) {
    const Block16 b = Transform(dct16_.data(), static_cast<Dihedral>(k));
    r.hashes[k] = PdqHashFromDct(b.data());
  }
  return r;
}

Result<PdqResult> PdqHasher::Hash(const cv::Mat& image) {
  IMPOSTOR_RETURN_IF_ERROR(LoadLuma(image));
  PdqResult r;
  r.quality = ComputeDct();
  r.hash = PdqHashFromDct(dct16_.data());
  return r;
}

Result<PdqDihedralResult> PdqHasher::HashDihedral(const cv::Mat& image) {
  IMPOSTOR_RETURN_IF_ERROR(LoadLuma(image));
  PdqDihedralResult r;
  r.quality = ComputeDct();
  for (int k = 0; k < kDihedralCount; ++k) {
    const Block16 b = Transform(dct16_.data(), static_cast<Dihedral>(k));
    r.hashes[k] = PdqHashFromDct(b.data());
  }
  return r;
}

Result<PdqResult> PdqHasher::HashFile(const std::string& path) {
  IMPOSTOR_ASSIGN_OR_RETURN(cv::Mat img, DecodeImageFile(path));
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(PdqResult r, Hash(img), path);
  return r;
}

}  // namespace impostor
