#include "photo/photo_file_hasher.h"

#include <algorithm>
#include <cctype>

#include "photo/face_hasher.h"
#include "photo/pdq_hasher.h"

namespace impostor {

struct PhotoFileHasher::Impl {
  PdqHasher pdq;
  std::unique_ptr<FaceHasher> faces;  // null when faces are off

  Result<PhotoHashes> Hash(const cv::Mat& image, std::string_view what) {
    PhotoHashes out;
    out.width = image.cols;
    out.height = image.rows;
    Result<PdqResult> whole = pdq.Hash(image);
    if (!whole.ok()) return whole.status().WithContext(what);
    out.hash = whole->hash;
    out.quality = whole->quality;
    if (faces) {
      Result<std::vector<FaceHash>> found = faces->Hash(image);
      if (!found.ok()) return found.status().WithContext(what);
      for (const FaceHash& f : *found) {
        out.faces.push_back({f.box.x, f.box.y, f.box.width, f.box.height, f.hash, f.quality, f.eye_aligned});
      }
    }
    return out;
  }
};

PhotoFileHasher::PhotoFileHasher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PhotoFileHasher::~PhotoFileHasher() = default;

Result<std::unique_ptr<PhotoFileHasher>> PhotoFileHasher::Open(const PhotoFileHasherOptions& options) {
  auto impl = std::make_unique<Impl>();
  if (options.faces) {
    FaceHasherOptions fo;
    if (!options.face_cascade_path.empty()) fo.cascade_path = options.face_cascade_path;
    Result<std::unique_ptr<FaceHasher>> fh = FaceHasher::Open(fo);
    if (!fh.ok()) return fh.status();
    impl->faces = std::move(*fh);
  }
  return std::unique_ptr<PhotoFileHasher>(new PhotoFileHasher(std::move(impl)));
}

Result<PhotoHashes> PhotoFileHasher::HashFile(const std::string& path) {
  Result<cv::Mat> img = DecodeImageFile(path);
  if (!img.ok()) return img.status();
  return impl_->Hash(*img, path);
}

Result<PhotoHashes> PhotoFileHasher::HashBytes(std::string_view bytes, std::string_view what) {
  Result<cv::Mat> img = DecodeImageBytes(bytes, what);
  if (!img.ok()) return img.status();
  return impl_->Hash(*img, what);
}

bool HasImageExtension(std::string_view path) {
  const size_t dot = path.find_last_of('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return false;
  std::string ext;
  for (char c : path.substr(dot + 1)) ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static const char* const kExts[] = {"jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"};
  return std::any_of(std::begin(kExts), std::end(kExts), [&](const char* e) { return ext == e; });
}

}  // namespace impostor
