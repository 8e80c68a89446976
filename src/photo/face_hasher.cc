#include "photo/face_hasher.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace impostor {

struct FaceHasher::Impl {
  cv::CascadeClassifier classifier;
  cv::CascadeClassifier eyes;  // empty when alignment is off
};

namespace {

// Where the eye centres land in the normalised crop, as fractions of its side: the
// crop spans 2.5 eye distances across, from the brow line's top to below the chin.
constexpr double kLeftEyeX = 0.30, kRightEyeX = 0.70, kEyeY = 0.38;
// Face boxes are rescaled to these widths (pixels) for eye detection.
constexpr int kEyeSearchFaceWidths[] = {160, 200, 240};

cv::Mat ToGrey(const cv::Mat& image) {
  cv::Mat grey;
  if (image.channels() == 3) cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4) cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
  else grey = image.clone();
  return grey;
}

// Picks the most plausible eye pair in a face normalised to `width` pixels: one eye
// in each half, similar sizes, roughly level. Returns false if none.
bool PickEyes(const std::vector<cv::Rect>& eyes, int width, cv::Point2d* left, cv::Point2d* right) {
  double best = -1;
  for (const cv::Rect& a : eyes) {
    for (const cv::Rect& b : eyes) {
      const cv::Point2d ca(a.x + a.width / 2.0, a.y + a.height / 2.0);
      const cv::Point2d cb(b.x + b.width / 2.0, b.y + b.height / 2.0);
      if (ca.x >= width * 0.5 || cb.x <= width * 0.5) continue;
      const double dx = cb.x - ca.x, dy = std::abs(cb.y - ca.y);
      if (dx < width * 0.25 || dx > width * 0.7 || dy > dx * 0.3) continue;
      const double size_ratio = static_cast<double>(std::min(a.width, b.width)) / std::max(a.width, b.width);
      if (size_ratio < 0.6) continue;
      const double score = size_ratio * (a.area() + b.area()) - dy;
      if (score > best) {
        best = score;
        *left = ca;
        *right = cb;
      }
    }
  }
  return best >= 0;
}

// Per-coordinate median (the mean of the middle two for an even count).
cv::Point2d MedianPoint(const std::vector<cv::Point2d>& points) {
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  std::vector<double> xs, ys;
  for (const cv::Point2d& p : points) {
    xs.push_back(p.x);
    ys.push_back(p.y);
  }
  return {median(xs), median(ys)};
}

}  // namespace

FaceHasher::FaceHasher(FaceHasherOptions options, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), impl_(std::move(impl)) {}
FaceHasher::~FaceHasher() = default;

Result<std::unique_ptr<FaceHasher>> FaceHasher::Open(const FaceHasherOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.cascade_path, ec)) {
    return Status::NotFound("face cascade " + options.cascade_path +
                            " not found (install Debian's opencv-data, or set the cascade path)");
  }
  if (options.crop_size < 32 || options.margin < 0 || options.margin > 1 || options.scale_factor <= 1.0) {
    return Status::InvalidArgument("face hasher options out of range (crop_size >= 32, 0 <= margin <= 1, "
                                   "scale_factor > 1)");
  }
  if (!options.eye_cascade_path.empty() && !std::filesystem::is_regular_file(options.eye_cascade_path, ec)) {
    return Status::NotFound("eye cascade " + options.eye_cascade_path +
                            " not found (install Debian's opencv-data, or set an empty path to align on face boxes)");
  }
  auto impl = std::make_unique<Impl>();
  try {
    if (!impl->classifier.load(options.cascade_path) || impl->classifier.empty()) {
      return Status::Corruption("face cascade " + options.cascade_path + " is not a cascade classifier");
    }
    if (!options.eye_cascade_path.empty() &&
        (!impl->eyes.load(options.eye_cascade_path) || impl->eyes.empty())) {
      return Status::Corruption("eye cascade " + options.eye_cascade_path + " is not a cascade classifier");
    }
  } catch (const cv::Exception& e) {
    return Status::Corruption("face cascade " + options.cascade_path + ": " + e.what());
  }
  return std::unique_ptr<FaceHasher>(new FaceHasher(options, std::move(impl)));
}

static Status CheckImage(const cv::Mat& image) {
  if (image.empty()) return Status::InvalidArgument("face hashing: empty image");
  if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)) {
    return Status::InvalidArgument("face hashing: image must be 8-bit grey, BGR or BGRA");
  }
  return Status::OK();
}

Result<std::vector<cv::Rect>> FaceHasher::Detect(const cv::Mat& image) {
  IMPOSTOR_RETURN_IF_ERROR(CheckImage(image));
  cv::Mat grey = ToGrey(image);
  // Detection cost grows with the pixel count; ID photos and profile pictures have
  // faces large enough to find at a few hundred pixels, so detect on a shrunk copy.
  const int longer = std::max(grey.rows, grey.cols);
  double shrink = 1.0;
  if (options_.detect_max_side > 0 && longer > options_.detect_max_side) {
    shrink = static_cast<double>(options_.detect_max_side) / longer;
    cv::Mat small;
    cv::resize(grey, small, cv::Size(), shrink, shrink, cv::INTER_AREA);
    grey = small;
  }
  cv::equalizeHist(grey, grey);
  std::vector<cv::Rect> faces;
  try {
    const int min_side = std::max(options_.min_face_px,
                                  static_cast<int>(std::min(grey.rows, grey.cols) * options_.min_face_fraction));
    impl_->classifier.detectMultiScale(grey, faces, options_.scale_factor, options_.min_neighbors, 0,
                                       cv::Size(min_side, min_side));
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("face detector failed: ") + e.what());
  }
  if (shrink != 1.0) {
    for (cv::Rect& f : faces) {
      f = cv::Rect(static_cast<int>(f.x / shrink + 0.5), static_cast<int>(f.y / shrink + 0.5),
                   static_cast<int>(f.width / shrink + 0.5), static_cast<int>(f.height / shrink + 0.5)) &
          cv::Rect(0, 0, image.cols, image.rows);
    }
  }
  std::sort(faces.begin(), faces.end(), [](const cv::Rect& a, const cv::Rect& b) {
    return a.area() != b.area() ? a.area() > b.area() : (a.y != b.y ? a.y < b.y : a.x < b.x);
  });
  if (static_cast<int>(faces.size()) > options_.max_faces) faces.resize(options_.max_faces);
  return faces;
}

Result<FaceHash> FaceHasher::HashRegion(const cv::Mat& image, const cv::Rect& face) {
  IMPOSTOR_RETURN_IF_ERROR(CheckImage(image));
  if (!impl_->eyes.empty()) {
    Result<FaceHash> aligned = HashEyeAligned(image, face);
    if (aligned.ok()) return aligned;
  }
  const int mx = static_cast<int>(face.width * options_.margin + 0.5);
  const int my = static_cast<int>(face.height * options_.margin + 0.5);
  const cv::Rect widened(face.x - mx, face.y - my, face.width + 2 * mx, face.height + 2 * my);
  const cv::Rect clipped = widened & cv::Rect(0, 0, image.cols, image.rows);
  if (clipped.width < 8 || clipped.height < 8) {
    return Status::InvalidArgument("face region lies outside the image or is smaller than 8 pixels");
  }
  cv::Mat crop;
  cv::resize(image(clipped), crop, cv::Size(options_.crop_size, options_.crop_size), 0, 0, cv::INTER_AREA);
  IMPOSTOR_ASSIGN_OR_RETURN(PdqResult r, pdq_.Hash(crop));
  return FaceHash{face, false, r.hash, r.quality};
}

bool FaceHasher::FindEyes(const cv::Mat& image, const cv::Rect& box, int width, cv::Point2d* left,
                          cv::Point2d* right) {
  const double scale = static_cast<double>(width) / box.width;
  const cv::Rect upper(box.x, box.y, box.width, box.height * 6 / 10);
  cv::Mat patch;
  cv::resize(image(upper), patch, cv::Size(width, std::max(1, static_cast<int>(upper.height * scale + 0.5))), 0, 0,
             scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat search = ToGrey(patch);
  cv::equalizeHist(search, search);
  std::vector<cv::Rect> eyes;
  try {
    impl_->eyes.detectMultiScale(search, eyes, 1.05, 3, 0, cv::Size(width / 10, width / 10),
                                 cv::Size(width / 3, width / 3));
  } catch (const cv::Exception&) {
    return false;
  }
  cv::Point2d l, r;
  if (!PickEyes(eyes, width, &l, &r)) return false;
  *left = cv::Point2d(box.x + l.x / scale, box.y + l.y / scale);
  *right = cv::Point2d(box.x + r.x / scale, box.y + r.y / scale);
  return true;
}

Result<FaceHash> FaceHasher::HashEyeAligned(const cv::Mat& image, const cv::Rect& face) {
  const cv::Rect bounds(0, 0, image.cols, image.rows);
  const cv::Rect box = face & bounds;
  if (box.width < 16 || box.height < 16) return Status::InvalidArgument("face box too small");
  // One eye search can lock onto a brow or a shadow; searching at several scales and
  // taking the median of each coordinate is much steadier than any single search.
  std::vector<cv::Point2d> lefts, rights;
  for (int width : kEyeSearchFaceWidths) {
    cv::Point2d l, r;
    if (FindEyes(image, box, width, &l, &r)) {
      lefts.push_back(l);
      rights.push_back(r);
    }
  }
  if (lefts.empty()) return Status::NotFound("eyes not found");
  const cv::Point2d left = MedianPoint(lefts), right = MedianPoint(rights);

  // Warp from a copy of the face region pre-scaled with an area filter (so a large
  // face is not aliased), taking the eye centres to fixed points of the crop.
  const cv::Rect region =
      cv::Rect(box.x - box.width / 2, box.y - box.height / 2, box.width * 2, box.height * 2) & bounds;
  const double side = options_.crop_size;
  const double eye_distance = std::hypot(right.x - left.x, right.y - left.y);
  if (eye_distance < 4) return Status::NotFound("eyes not found");
  const double pre = std::min(1.0, 2.0 * (kRightEyeX - kLeftEyeX) * side / eye_distance);
  cv::Mat patch;
  cv::resize(image(region), patch, cv::Size(), pre, pre, cv::INTER_AREA);
  const cv::Point2d pl = (left - cv::Point2d(region.x, region.y)) * pre;
  const cv::Point2d pr = (right - cv::Point2d(region.x, region.y)) * pre;
  const double s = (kRightEyeX - kLeftEyeX) * side / (eye_distance * pre);
  const double theta = std::atan2(pr.y - pl.y, pr.x - pl.x);
  const double a = s * std::cos(theta), b = s * std::sin(theta);
  const cv::Point2d mid = (pl + pr) * 0.5;
  cv::Mat m = (cv::Mat_<double>(2, 3) << a, b, 0.5 * side - (a * mid.x + b * mid.y),  //
               -b, a, kEyeY * side - (-b * mid.x + a * mid.y));
  cv::Mat crop;
  cv::warpAffine(patch, crop, m, cv::Size(options_.crop_size, options_.crop_size), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  IMPOSTOR_ASSIGN_OR_RETURN(PdqResult r, pdq_.Hash(crop));
  return FaceHash{face, true, r.hash, r.quality};
}

Result<std::vector<FaceHash>> FaceHasher::Hash(const cv::Mat& image) {
  IMPOSTOR_ASSIGN_OR_RETURN(std::vector<cv::Rect> faces, Detect(image));
  std::vector<FaceHash> out;
  out.reserve(faces.size());
  for (const cv::Rect& f : faces) {
    Result<FaceHash> h = HashRegion(image, f);
    if (!h.ok()) continue;  // a box at the very edge: nothing to hash
    if (h->quality < options_.min_quality) continue;
    out.push_back(*h);
  }
  return out;
}

}  // namespace impostor
