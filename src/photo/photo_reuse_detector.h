// PhotoReuseDetector (`photo.reuse`): the same photo, or the same face, among
// records that claim different people. Fraudulent workers paste one polished face
// onto stolen identity documents and profile pictures under several names; a
// perceptual-hash match across those names is strong evidence of one operator.
//
// Records are added with their whole-image and face-region PDQ hashes (the caller
// computes them and drops low-quality ones). Finish() links every pair of records
// whose photo hashes, or whose face hashes, lie within the configured distance
// (multi-index hashing, so it scales to millions), groups linked records into
// clusters, and reports one finding per cluster whose members claim two or more
// different people. Two records claim the same person when both carry the same
// identity key (national id hash, sign-in user), or, when either lacks one, the
// same name after case and space folding. The same person's photo on many of their
// own records is not a finding, but the cluster still gets a photo identifier.
//
// The photo identifier of a cluster (the smallest member hash in reference hex) is
// exposed per record so persona resolution can use "same photo" as link evidence.
//
// Thread safety: not thread-safe; one thread adds and finishes.
#ifndef IMPOSTOR_PHOTO_PHOTO_REUSE_DETECTOR_H_
#define IMPOSTOR_PHOTO_PHOTO_REUSE_DETECTOR_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/time.h"
#include "detect/detector.h"
#include "detect/finding.h"
#include "detect/registry.h"
#include "photo/pdq_hash.h"

namespace impostor {

struct PhotoRecord {
  std::string record_id;  // "ats-17"
  std::string name;       // claimed full name, as written
  std::string identity;   // claimed identity key when known; empty otherwise
  std::string source;     // "hr", "ats", "account", ...
  std::string org;
  TimeMs time = 0;        // when the record was made or last changed; 0 if unknown
  std::vector<PdqHash> photo_hashes;  // whole-image hashes
  std::vector<PdqHash> face_hashes;   // face-region hashes
};

struct PhotoReuseOptions {
  int photo_distance = kPdqMatchDistance;  // bits of 256; whole-image match
  int face_distance = kFaceMatchDistance;  // bits of 256; face-region match
  int names_listed = 5;                    // names spelled out in the explanation
  // Parameters `photo_distance`, `face_distance`, `names_listed` under `photo.reuse`.
  static PhotoReuseOptions FromParams(const DetectorParams& params);
};

// One group of records that share a photo or face.
struct PhotoCluster {
  std::string photo_id;               // canonical hash hex
  std::vector<uint32_t> records;      // indices into the added records, ascending
  int max_distance = 0;               // worst link that joined the cluster
  int min_distance = 0;               // best link
  bool whole_photo = false;           // some link is a whole-image match (else faces only)
  int persons = 0;                    // distinct claimed people
};

class PhotoReuseDetector {
 public:
  explicit PhotoReuseDetector(PhotoReuseOptions options = {});

  static const DetectorInfo& Info();

  void Add(PhotoRecord record);
  size_t size() const { return records_.size(); }

  // Clusters the records added (call once, after the last Add), then reports one
  // finding per cluster of two or more claimed people. Finish does both.
  void Cluster();
  void Report(FindingSink& sink) const;
  void Finish(FindingSink& sink) {
    Cluster();
    Report(sink);
  }

  // After Cluster: the photo identifier of a record's cluster, or "" when the record
  // shares its photo with no other record.
  const std::string& PhotoIdOf(const std::string& record_id) const;
  const std::vector<PhotoCluster>& clusters() const { return clusters_; }

 private:
  Finding MakeFinding(const PhotoCluster& cluster) const;

  PhotoReuseOptions options_;
  std::vector<PhotoRecord> records_;
  std::vector<PhotoCluster> clusters_;
  std::unordered_map<std::string, std::string> photo_id_by_record_;
};

// Adds photo.reuse to the registry as a population detector (stage kEvidence): it
// reports the clusters the engine made of the run's people photos
// (PopulationEvidence::photos) before resolving personas with them.
void RegisterPhotoDetectors(DetectorRegistry& registry);

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_PHOTO_REUSE_DETECTOR_H_
