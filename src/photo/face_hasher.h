// FaceHasher: finds faces in a photo and PDQ-hashes each face region, so that one
// face pasted onto different identity documents or profile pictures matches even
// though the whole images (layout, text, background) do not.
//
// Detection uses an OpenCV cascade classifier (by default Debian opencv-data's
// frontal-face Haar cascade). Each face is cut out aligned on its eyes (found by the
// eye cascade inside the face box; the median of searches at three scales) into a
// fixed square and hashed with PDQ; when the eyes are not found, the box widened by a
// margin is used. Two copies of one face match within kFaceMatchDistance.
//
// Thread safety: a FaceHasher holds a classifier and PDQ scratch buffers and is not
// thread-safe; open one per thread.
#ifndef IMPOSTOR_PHOTO_FACE_HASHER_H_
#define IMPOSTOR_PHOTO_FACE_HASHER_H_

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "common/status.h"
#include "photo/pdq_hash.h"
#include "photo/pdq_hasher.h"

namespace impostor {

struct FaceHasherOptions {
  // Cascade classifier XML; Debian's opencv-data installs it here. The "alt2" frontal
  // cascade finds faces on busy document pages that the "default" one misses, with
  // fewer false faces; any OpenCV cascade file works.
  std::string cascade_path = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";
  double margin = 0.10;       // fraction of the face box added on each side (box-aligned crops)
  // Eye cascade used to align crops on the eye centres, which are far steadier than the
  // face box; empty disables alignment. A face whose eyes are not found is cropped by
  // its box.
  std::string eye_cascade_path = "/usr/share/opencv4/haarcascades/haarcascade_eye.xml";
  int crop_size = 128;        // side of the normalised square crop, pixels
  double scale_factor = 1.05; // detector pyramid step; smaller finds tighter boxes, slower
  int min_neighbors = 6;      // detector votes a box needs; higher means fewer false faces
  int min_face_px = 24;       // smallest face side considered, pixels of the detection image
  // ... and at least this fraction of the detection image's shorter side: a face on an
  // ID document or profile picture is never tiny, and small scales cost the most.
  double min_face_fraction = 0.08;
  int detect_max_side = 640;  // images are shrunk to this longer side for detection only
  int min_quality = kPdqMinQuality;  // crops flatter than this are not faces worth hashing
  int max_faces = 8;          // faces hashed per image, largest first
};

struct FaceHash {
  cv::Rect box;      // detected face in image pixels (before the margin)
  bool eye_aligned = false;  // crop aligned on the two eyes (else on the box)
  PdqHash hash;      // PDQ of the normalised crop
  int quality = 0;   // PDQ quality of the crop
};

class FaceHasher {
 public:
  // NotFound when the cascade file is missing, Corruption when it does not load.
  static Result<std::unique_ptr<FaceHasher>> Open(const FaceHasherOptions& options = {});
  ~FaceHasher();

  // Detects faces in an 8-bit grey/BGR/BGRA image and hashes each, largest first,
  // dropping crops below min_quality. An image without faces gives an empty vector.
  Result<std::vector<FaceHash>> Hash(const cv::Mat& image);
  // Hashes a face region given by the caller (e.g. from an ID-document template).
  Result<FaceHash> HashRegion(const cv::Mat& image, const cv::Rect& face);
  // Detection only.
  Result<std::vector<cv::Rect>> Detect(const cv::Mat& image);

  const FaceHasherOptions& options() const { return options_; }

 private:
  struct Impl;
  FaceHasher(FaceHasherOptions options, std::unique_ptr<Impl> impl);
  Result<FaceHash> HashEyeAligned(const cv::Mat& image, const cv::Rect& face);
  bool FindEyes(const cv::Mat& image, const cv::Rect& box, int width, cv::Point2d* left, cv::Point2d* right);
  FaceHasherOptions options_;
  std::unique_ptr<Impl> impl_;
  PdqHasher pdq_;
};

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_FACE_HASHER_H_
