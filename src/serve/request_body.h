// RequestBody: a request's JSON body checked against its route's field list
// (routes.h): one object, only the route's fields, each of its type and, for a
// fixed set, one of its values, every required one present. A pure parser over
// untrusted bytes (fuzz/api_body_fuzzer.cc).
//
// Thread safety: one body per request; not shared.
#ifndef IMPOSTOR_SERVE_REQUEST_BODY_H_
#define IMPOSTOR_SERVE_REQUEST_BODY_H_

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/routes.h"
#include "store/team_store.h"

namespace impostor {

// An HTTP status and the message that says what to do.
struct HttpError {
  int status;
  std::string message;
};

class RequestBody {
 public:
  // Parses `text` as one JSON object whose members are all in `fields`, of their
  // types, with every required one present.
  std::optional<HttpError> Parse(const std::string& text, const std::vector<FieldSpec>& fields);

  // The accessors read what Parse() accepted: a string field (nullopt when
  // absent), the strings of an array field, the {kind, ref} items of an array field.
  std::optional<std::string> String(std::string_view key) const;
  std::vector<std::string> Strings(std::string_view key) const;
  std::vector<CaseItem> Items(std::string_view key) const;

 private:
  static std::optional<HttpError> CheckType(const FieldSpec& spec, simdjson::dom::element v);

  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

}  // namespace impostor

#endif  // IMPOSTOR_SERVE_REQUEST_BODY_H_
