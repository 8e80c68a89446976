// The API's route table: one definition per route of its method, path template,
// the role it needs, its query parameters and its body fields. The dispatcher
// (404, 405, 400 for unknown parameters or fields, 401/403), the metrics labels
// and the OpenAPI document all read this table.
//
// Thread safety: immutable after construction.
#ifndef IMPOSTOR_SERVE_ROUTES_H_
#define IMPOSTOR_SERVE_ROUTES_H_

#include <string>
#include <vector>

#include "store/team_store.h"

namespace impostor {

// One query parameter or body field.
struct FieldSpec {
  std::string name;
  std::string type;  // JSON Schema type: string | integer | boolean | array | object
  bool required = false;
  std::string description;
  std::string items;                 // for arrays: the element type, or "item" for {kind, ref}
  std::vector<std::string> choices;  // allowed values of a string, when a fixed set
};

enum class RouteId {
  kHealth,
  kMetrics,
  kOpenApi,
  kListFindings,
  kGetFinding,
  kGetAccount,
  kGetPersona,
  kGetCluster,
  kListDetectors,
  kCreateVerdicts,
  kListCases,
  kCreateCase,
  kGetCase,
  kUpdateCase,
  kCommentCase,
  kListAudit,
  kListTokens,
  kCreateToken,
  kRevokeToken,
};

struct RouteSpec {
  RouteId id;
  std::string method;  // GET | POST | PATCH | DELETE
  std::string path;    // "/api/v1/cases/{id}"; a final {param} of a `tail` route takes the rest of the path
  bool tail = false;
  bool auth = true;    // false: no token needed (health, the OpenAPI document)
  Role role = Role::kViewer;
  std::string summary;
  std::vector<FieldSpec> query;
  std::vector<FieldSpec> body;  // empty: no body
  bool if_match = false;        // needs If-Match (the case's ETag)
};

// Every route, in the order the OpenAPI document lists them.
const std::vector<RouteSpec>& ApiRoutes();

}  // namespace impostor

#endif  // IMPOSTOR_SERVE_ROUTES_H_
