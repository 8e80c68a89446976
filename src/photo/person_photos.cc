#include "photo/person_photos.h"

#include <cctype>
#include <filesystem>

namespace impostor {
namespace {

bool IsHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Where(const Person& p) {
  std::string w = p.source_file.empty() ? std::string("record ") + p.record_id : p.source_file;
  if (p.source_line > 0) w += ":" + std::to_string(p.source_line);
  return w;
}

}  // namespace

PhotoRecord PersonPhotoHasher::Hash(const Person& person, std::vector<std::string>* problems) {
  ++stats_.records;
  PhotoRecord rec;
  rec.record_id = person.record_id;
  rec.name = !person.full_name.empty() ? person.full_name
                                       : person.given_name + (person.given_name.empty() || person.family_name.empty()
                                                                  ? ""
                                                                  : " ") +
                                             person.family_name;
  rec.identity = person.national_id;  // the identity a document claims; sign-in users differ per employer
  rec.source = PersonSourceName(person.source);
  rec.org = person.org;
  if (person.photo.empty()) return rec;
  ++stats_.with_photo;

  if (IsHex64(person.photo)) {
    Result<PdqHash> h = PdqHash::FromHex(person.photo);
    if (h.ok()) {
      rec.photo_hashes.push_back(*h);
      ++stats_.given_hash;
      return rec;
    }
  }
  std::filesystem::path path(person.photo);
  if (path.is_relative() && !person.source_file.empty()) {
    path = std::filesystem::path(person.source_file).parent_path() / path;
  }
  Result<PhotoHashes> h = hasher_->HashFile(path.string());
  if (!h.ok()) {
    ++stats_.unreadable;
    if (problems) problems->push_back(Where(person) + ": photo of " + person.record_id + ": " + h.status().ToString());
    return rec;
  }
  ++stats_.hashed;
  if (h->quality >= kPdqMinQuality) rec.photo_hashes.push_back(h->hash);
  else ++stats_.low_quality;
  for (const FaceRegionHash& f : h->faces) {
    if (f.quality >= kPdqMinQuality) rec.face_hashes.push_back(f.hash);
    else ++stats_.low_quality;
  }
  return rec;
}

}  // namespace impostor
