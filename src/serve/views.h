// The API's JSON documents, built from what the store holds: a finding, and the
// views of an account, a persona and a cluster assembled from the findings that
// name them and their evidence (sign-ins with locations, travel legs, devices,
// people records). Pure functions of their inputs: no I/O.
//
// Thread safety: pure functions, thread-safe.
#ifndef IMPOSTOR_SERVE_VIEWS_H_
#define IMPOSTOR_SERVE_VIEWS_H_

#include <string>
#include <vector>

#include "common/json_writer.h"
#include "store/store.h"
#include "store/team_store.h"

namespace impostor {

// A finding as the API returns it: key, detector, entity, severity (name and id),
// confidence, times (ISO 8601 UTC), title, explanation, attributes, status;
// evidence and related entities when `full`.
void WriteFindingJson(JsonWriter& w, const FindingRow& row, bool full);

// {"account": id, "risk": {...}|null, "findings": [...], "timeline": [...],
//  "travel_legs": [...], "devices": [...], "people": [...], "personas": [...]}
std::string AccountViewJson(const std::string& account, const std::vector<FindingRow>& findings);
// {"persona": id, "risk", "members", "records", "links", "findings"}
std::string PersonaViewJson(const std::string& persona, const std::vector<FindingRow>& findings,
                            const std::vector<std::string>& state_members);
// {"cluster": id, "members", "organisations", "shared_identifiers", "tools", "findings"}
std::string ClusterViewJson(const std::string& cluster, const std::vector<FindingRow>& findings);

void WriteCaseJson(JsonWriter& w, const Case& c, bool full);
void WriteAuditJson(JsonWriter& w, const AuditEntry& e);
void WriteTokenJson(JsonWriter& w, const ApiToken& t);

}  // namespace impostor

#endif  // IMPOSTOR_SERVE_VIEWS_H_
