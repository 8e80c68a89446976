// Stable persona ids across runs. PersonaIdMap remembers which persona each
// record_id belonged to and assigns ids to a new resolution so that:
//   - a persona whose records were seen before keeps its id (adding records never
//     renumbers existing personas);
//   - personas that merged keep the oldest (lowest-numbered) id, and the others are
//     recorded in Persona::merged_from;
//   - when an earlier persona splits, the part holding most of its records keeps the
//     id and each other part gets a new id with Persona::split_from set;
//   - new personas get the next free number, in input order ("persona-000042").
// Persisted as a tab-separated file: "#next\t<n>" then "record_id\tpersona_id" lines.
//
// Thread safety: none; one thread at a time.
#ifndef IMPOSTOR_RESOLVE_PERSONA_IDS_H_
#define IMPOSTOR_RESOLVE_PERSONA_IDS_H_

#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "resolve/resolver.h"

namespace impostor {

class PersonaIdMap {
 public:
  // A missing file is an empty map; a malformed one is Corruption naming file and line.
  static Result<PersonaIdMap> Load(const std::string& path);
  Status Save(const std::string& path) const;

  // Sets Persona::id, merged_from and split_from of every persona, and remembers
  // the new assignment.
  void Assign(ResolutionResult& result);

  // Builds the map from an earlier assignment kept elsewhere (a scan's store):
  // `record_id` belonged to `persona_id`. New ids are numbered after every id
  // remembered or reserved, so none is handed out twice.
  void Remember(const std::string& record_id, const std::string& persona_id);
  // An id that no record holds any more (merged away): never handed out again.
  void Reserve(const std::string& persona_id);

  size_t size() const { return ids_.size(); }

 private:
  std::string NewId();
  std::unordered_map<std::string, std::string> ids_;  // record_id -> persona id
  uint64_t next_ = 1;
};

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_PERSONA_IDS_H_
