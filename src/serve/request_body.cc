#include "serve/request_body.h"

#include <algorithm>

namespace impostor {

std::optional<HttpError> RequestBody::Parse(const std::string& text, const std::vector<FieldSpec>& fields) {
  simdjson::dom::object object;
  if (parser_.parse(text).get(root_) != simdjson::SUCCESS || root_.get_object().get(object) != simdjson::SUCCESS) {
    return HttpError{400, "the body is not a JSON object; send Content-Type: application/json and an object"};
  }
  for (auto [member, value] : object) {
    const std::string_view key = member;  // a lambda cannot capture a structured binding (C++17)
    auto spec = std::find_if(fields.begin(), fields.end(), [&](const FieldSpec& f) { return f.name == key; });
    if (spec == fields.end()) {
      std::string names;
      for (const FieldSpec& f : fields) names += (names.empty() ? "" : ", ") + f.name;
      return HttpError{400, "unknown field '" + std::string(key) + "'; this request takes " + names};
    }
    if (auto e = CheckType(*spec, value)) return e;
  }
  for (const FieldSpec& f : fields) {
    if (f.required && root_[f.name].error() == simdjson::NO_SUCH_FIELD) {
      return HttpError{400, "the field '" + f.name + "' is required (" + f.description + ")"};
    }
  }
  return std::nullopt;
}

std::optional<std::string> RequestBody::String(std::string_view key) const {
  std::string_view v;
  if (root_[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

std::vector<std::string> RequestBody::Strings(std::string_view key) const {
  std::vector<std::string> out;
  simdjson::dom::array arr;
  if (root_[key].get_array().get(arr) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element e : arr) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

std::vector<CaseItem> RequestBody::Items(std::string_view key) const {
  std::vector<CaseItem> out;
  simdjson::dom::array arr;
  if (root_[key].get_array().get(arr) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element e : arr) {
    std::string_view kind, ref;
    // Parse() checked the shape: both are strings.
    if (e["kind"].get_string().get(kind) != simdjson::SUCCESS) kind = {};
    if (e["ref"].get_string().get(ref) != simdjson::SUCCESS) ref = {};
    out.push_back({std::string(kind), std::string(ref)});
  }
  return out;
}

std::optional<HttpError> RequestBody::CheckType(const FieldSpec& spec, simdjson::dom::element v) {
  const auto wrong = [&](const std::string& what) {
    return HttpError{400, "the field '" + spec.name + "' must be " + what};
  };
  if (spec.type == "string") {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) return wrong("a string");
    if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
      std::string list;
      for (const std::string& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
      return wrong("one of " + list);
    }
    return std::nullopt;
  }
  if (spec.type == "array") {
    simdjson::dom::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return wrong("an array");
    if (arr.size() > 1000) return wrong("an array of at most 1000 entries");
    for (simdjson::dom::element e : arr) {
      if (spec.items == "string") {
        if (!e.is_string()) return wrong("an array of strings");
      } else if (spec.items == "item") {
        simdjson::dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) return wrong("an array of {\"kind\", \"ref\"} objects");
        for (auto [k, val] : o) {
          if ((k != "kind" && k != "ref") || !val.is_string()) {
            return wrong("an array of {\"kind\": finding|account|persona, \"ref\": string} objects");
          }
        }
      }
    }
    return std::nullopt;
  }
  if (spec.type == "integer" && !v.is_int64()) return wrong("an integer");
  return std::nullopt;
}

}  // namespace impostor
