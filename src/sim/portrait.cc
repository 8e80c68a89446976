#include "sim/portrait.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "sim/rng.h"

namespace impostor {

namespace {

constexpr int kWidth = 160;
constexpr int kHeight = 200;

cv::Scalar Colour(Rng& rng, int lo, int hi) {
  return cv::Scalar(rng.Int(lo, hi), rng.Int(lo, hi), rng.Int(lo, hi));
}

cv::Mat DrawPortrait(uint64_t seed) {
  Rng rng(MixSeed(seed, 0xface));
  cv::Mat img(kHeight, kWidth, CV_8UC3, Colour(rng, 150, 245));
  // A backdrop of a few large shapes (a room, a wall, furniture): real portraits of
  // different people differ in their background as much as in their face, and a
  // perceptual hash sees mostly that low-frequency structure.
  for (int i = 0, n = rng.Int(3, 6); i < n; ++i) {
    cv::Point c(rng.Int(0, kWidth), rng.Int(0, kHeight));
    cv::Size axes(rng.Int(20, kWidth), rng.Int(20, kHeight));
    cv::ellipse(img, c, axes, rng.Int(0, 180), 0, 360, Colour(rng, 30, 250), cv::FILLED, cv::LINE_AA);
  }
  // Shoulders.
  cv::ellipse(img, cv::Point(kWidth / 2, kHeight + 10), cv::Size(rng.Int(60, 78), rng.Int(45, 60)), 0, 180, 360,
              Colour(rng, 20, 200), cv::FILLED, cv::LINE_AA);
  // Skin tone from a light-to-dark ramp (no meaning attached).
  double t = rng.Uniform();
  cv::Scalar skin(60 + 150 * t, 90 + 130 * t, 120 + 120 * t);
  cv::Point centre(kWidth / 2 + rng.Int(-6, 6), 95 + rng.Int(-6, 6));
  cv::Size face(rng.Int(40, 52), rng.Int(52, 66));
  cv::Scalar hair = Colour(rng, 10, 120);
  // Hair behind the face.
  int hair_style = rng.Int(0, 3);
  if (hair_style > 0) {
    cv::ellipse(img, cv::Point(centre.x, centre.y - 8), cv::Size(face.width + rng.Int(4, 12), face.height + rng.Int(0, 14)),
                0, 180, 360, hair, cv::FILLED, cv::LINE_AA);
  }
  if (hair_style == 3) {
    cv::rectangle(img, cv::Point(centre.x - face.width - 8, centre.y - 10),
                  cv::Point(centre.x + face.width + 8, centre.y + face.height), hair, cv::FILLED);
  }
  cv::ellipse(img, centre, face, 0, 0, 360, skin, cv::FILLED, cv::LINE_AA);
  // Fringe.
  cv::ellipse(img, cv::Point(centre.x, centre.y - face.height + rng.Int(8, 20)),
              cv::Size(face.width - rng.Int(0, 8), rng.Int(8, 22)), rng.Int(-10, 10), 180, 360, hair, cv::FILLED,
              cv::LINE_AA);
  // Eyes and brows.
  int eye_dx = rng.Int(14, 22), eye_y = centre.y - rng.Int(4, 14);
  cv::Scalar iris = Colour(rng, 20, 140);
  for (int side : {-1, 1}) {
    cv::Point e(centre.x + side * eye_dx, eye_y);
    cv::ellipse(img, e, cv::Size(rng.Int(6, 9), rng.Int(3, 5)), 0, 0, 360, cv::Scalar(245, 245, 245), cv::FILLED,
                cv::LINE_AA);
    cv::circle(img, e, 3, iris, cv::FILLED, cv::LINE_AA);
    cv::line(img, cv::Point(e.x - 9, e.y - 9 - rng.Int(0, 3)), cv::Point(e.x + 9, e.y - 10), hair, 2, cv::LINE_AA);
  }
  // Nose and mouth.
  cv::line(img, cv::Point(centre.x, eye_y + 6), cv::Point(centre.x - 3, centre.y + 14), skin * 0.75, 2, cv::LINE_AA);
  cv::ellipse(img, cv::Point(centre.x, centre.y + rng.Int(26, 34)), cv::Size(rng.Int(8, 16), rng.Int(3, 7)), 0, 0,
              180, cv::Scalar(70, 70, 160 + rng.Int(0, 60)), 2, cv::LINE_AA);
  if (rng.Chance(0.25)) {  // glasses
    for (int side : {-1, 1}) {
      cv::circle(img, cv::Point(centre.x + side * eye_dx, eye_y), 11, cv::Scalar(30, 30, 30), 2, cv::LINE_AA);
    }
  }
  return img;
}

std::vector<unsigned char> Encode(const cv::Mat& img, int quality) {
  std::vector<unsigned char> out;
  cv::imencode(".jpg", img, out, {cv::IMWRITE_JPEG_QUALITY, quality});
  return out;
}

}  // namespace

std::vector<unsigned char> RenderPortraitJpeg(uint64_t seed) { return Encode(DrawPortrait(seed), 90); }

std::vector<unsigned char> RenderEditedPortraitJpeg(uint64_t seed, uint64_t edit_seed) {
  Rng rng(MixSeed(edit_seed, 0xed17));
  cv::Mat img = DrawPortrait(seed);
  // Crop a little and scale back.
  int dx = rng.Int(0, 14), dy = rng.Int(0, 16);
  int w = kWidth - dx - rng.Int(0, 14), h = kHeight - dy - rng.Int(0, 16);
  cv::Mat cropped;
  cv::resize(img(cv::Rect(dx, dy, w, h)), cropped, cv::Size(kWidth, kHeight), 0, 0, cv::INTER_AREA);
  // Brightness / contrast.
  cropped.convertTo(cropped, -1, rng.Uniform(0.85, 1.15), rng.Uniform(-25, 25));
  // Re-compression at a lower quality.
  std::vector<unsigned char> jpg = Encode(cropped, rng.Int(45, 80));
  cv::Mat recompressed = cv::imdecode(jpg, cv::IMREAD_COLOR);
  if (!rng.Chance(0.6)) return Encode(recompressed, 85);
  // Pasted onto an "ID document": a card with a tinted background, text bars and a seal.
  cv::Mat card(260, 420, CV_8UC3, Colour(rng, 170, 235));
  cv::rectangle(card, cv::Rect(0, 0, 420, 34), Colour(rng, 40, 140), cv::FILLED);
  for (int i = 0; i < 6; ++i) {
    cv::rectangle(card, cv::Rect(200, 60 + i * 28, rng.Int(90, 200), 10), cv::Scalar(90, 90, 90), cv::FILLED);
  }
  cv::circle(card, cv::Point(360, 215), 26, Colour(rng, 60, 200), 2, cv::LINE_AA);
  cv::Mat small;
  cv::resize(recompressed, small, cv::Size(144, 180), 0, 0, cv::INTER_AREA);
  small.copyTo(card(cv::Rect(24, 54, 144, 180)));
  return Encode(card, rng.Int(70, 90));
}

}  // namespace impostor
