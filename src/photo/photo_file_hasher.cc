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
    IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(PdqResult whole, pdq.Hash(image), what);
    out.hash = whole.hash;
    out.quality = whole.quality;
    if (faces) {
      IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(std::vector<FaceHash> found, faces->Hash(image), what);
      for (const FaceHash& f : found) {
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
    IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<FaceHasher> fh, FaceHasher::Open(fo));
    impl->faces = std::move(fh);
  }
  return std::unique_ptr<PhotoFileHasher>(new PhotoFileHasher(std::move(impl)));
}

Result<PhotoHashes> PhotoFileHasher::HashFile(const std::string& path) {
  IMPOSTOR_ASSIGN_OR_RETURN(cv::Mat img, DecodeImageFile(path));
  return impl_->Hash(img, path);
}

Result<PhotoHashes> PhotoFileHasher::HashBytes(std::string_view bytes, std::string_view what) {
  IMPOSTOR_ASSIGN_OR_RETURN(cv::Mat img, DecodeImageBytes(bytes, what));
  return impl_->Hash(img, what);
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
