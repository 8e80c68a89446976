// PersonPhotoHasher: turns people records into photo.reuse input. A Person's
// `photo` is an image path relative to the file the record came from, or a hash
// given directly (64 hex digits: a PDQ hash, or a keyed hash that then links by
// equality only). Paths are decoded and hashed (whole image and faces); hashes with
// quality below kPdqMinQuality are dropped. A missing or unreadable photo is
// reported with the record's file and line, counted, and the record kept without
// hashes: the run goes on.
//
// Thread safety: not thread-safe (it drives a PhotoFileHasher); one per thread.
#ifndef IMPOSTOR_PHOTO_PERSON_PHOTOS_H_
#define IMPOSTOR_PHOTO_PERSON_PHOTOS_H_

#include <string>
#include <vector>

#include "photo/photo_file_hasher.h"
#include "photo/photo_reuse_detector.h"
#include "records/person.h"

namespace impostor {

struct PersonPhotoStats {
  size_t records = 0;       // people records seen
  size_t with_photo = 0;    // records naming a photo
  size_t hashed = 0;        // photo files decoded and hashed
  size_t given_hash = 0;    // photos given as a hash
  size_t unreadable = 0;    // missing or undecodable photo files
  size_t low_quality = 0;   // hashes dropped for quality below kPdqMinQuality
};

class PersonPhotoHasher {
 public:
  // `hasher` must outlive this object.
  explicit PersonPhotoHasher(PhotoFileHasher* hasher) : hasher_(hasher) {}

  // The record's photo evidence. On a bad photo, appends "file:line: message" to
  // *problems (when given) and returns the record without hashes.
  PhotoRecord Hash(const Person& person, std::vector<std::string>* problems = nullptr);

  const PersonPhotoStats& stats() const { return stats_; }

 private:
  PhotoFileHasher* hasher_;
  PersonPhotoStats stats_;
};

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_PERSON_PHOTOS_H_
