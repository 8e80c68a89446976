#include "intel/indicators.h"

#include <simdjson.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/csv.h"
#include "common/ip.h"
#include "common/strings.h"
#include "resolve/normalize.h"

namespace impostor {

namespace {

constexpr size_t kMaxNotes = 5;

void Note(ImportResult& r, std::string note) {
  ++r.skipped;
  if (r.notes.size() < kMaxNotes) r.notes.push_back(std::move(note));
}

// A parsed file's value, checked against the hashing mode and normalised.
// Returns "" (with *error set) when the value cannot be used.
std::string Prepare(std::string_view kind, std::string_view raw, const ImportOptions& o, std::string* error) {
  const std::string_view trimmed = TrimAscii(raw);
  if (o.key != nullptr) {
    if (!IsOpaqueHash(trimmed)) {
      *error = "is not a pre-hashed value (64 hex digits); import it without --hmac-key-file";
      return "";
    }
    return AsciiLower(trimmed);
  }
  if (IsOpaqueHash(trimmed)) {
    *error = "looks pre-hashed (64 hex digits); import it with --hmac-key-file and the partner's key";
    return "";
  }
  std::string v = NormalizeIndicator(kind, trimmed, o.default_region);
  if (v.empty()) *error = "is not a valid " + std::string(kind);
  return v;
}

void Add(ImportResult& r, const ImportOptions& o, std::string_view kind, std::string_view raw, std::string label,
         std::string reference, const std::string& source, std::string* error) {
  std::string problem;
  std::string value = Prepare(kind, raw, o, &problem);
  if (value.empty()) {
    if (error != nullptr) {
      *error = std::string(kind) + " '" + std::string(raw.substr(0, 80)) + "' " + problem;
    }
    return;
  }
  SharedIndicator i;
  i.kind = std::string(kind);
  i.value = std::move(value);
  i.source = source;
  i.label = std::move(label);
  i.reference = std::move(reference);
  i.hmac_key_id = o.key ? o.key->id : "";
  i.added_ms = o.now_ms;
  r.indicators.push_back(std::move(i));
}

// ---- STIX patterns

bool IsPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':' || c == '[' ||
         c == ']' || c == '*' || c == '\'';
}

// The kind an object path of an equality names; "" when impostor has none for it.
std::string KindOfPath(std::string_view path) {
  if (path == "email-addr:value" || path == "email-message:from_ref.value" || path == "user-account:email") return kKindEmail;
  if (path == "user-account:account_login" || path == "user-account:user_id") return kKindAccount;
  if (path == "phone-number:number" || path == "x-phone-number:value" || path == "x-phone-number:number") return kKindPhone;
  if (path == "ipv4-addr:value" || path == "ipv6-addr:value") return kKindIp;
  return "";
}

// ---- STIX bundles

Status ParseStix(simdjson::dom::object bundle, const std::string& name, const ImportOptions& o, ImportResult& r) {
  r.format = "stix";
  simdjson::dom::array objects;
  if (bundle["objects"].get_array().get(objects) != simdjson::SUCCESS) {
    return Status::InvalidArgument(name + ": a STIX bundle needs an 'objects' array; nothing imported");
  }
  std::string source = o.source;
  std::string producer;
  std::vector<std::pair<std::string, std::string>> individuals;  // identity id, name
  size_t index = 0;
  std::vector<std::string> errors;
  auto fail = [&](size_t i, std::string_view id, const std::string& why) {
    return Status::InvalidArgument(name + ": objects[" + std::to_string(i) + "]" +
                                   (id.empty() ? "" : " (" + std::string(id) + ")") + ": " + why +
                                   "; the bundle is rejected, nothing imported");
  };
  // First pass: structure of every object, the producer and the people.
  for (simdjson::dom::element e : objects) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return fail(index, "", "not a JSON object");
    std::string_view type, id;
    if (obj["type"].get_string().get(type) != simdjson::SUCCESS || type.empty())
      return fail(index, "", "no 'type'");
    if (obj["id"].get_string().get(id) != simdjson::SUCCESS) return fail(index, "", "no 'id'");
    if (id.substr(0, type.size()) != type || id.substr(type.size(), 2) != "--" || id.size() != type.size() + 2 + 36)
      return fail(index, id, "the id is not '" + std::string(type) + "--<uuid>'");
    if (type == "identity") {
      std::string_view ident_name, ident_class;
      if (obj["name"].get_string().get(ident_name) != simdjson::SUCCESS) return fail(index, id, "an identity needs a name");
      if (obj["identity_class"].get_string().get(ident_class) == simdjson::SUCCESS && ident_class == "individual") {
        individuals.emplace_back(std::string(id), std::string(ident_name));
      } else if (producer.empty()) {
        producer = std::string(ident_name);
      }
    }
    if (type == "threat-actor") {  // the names an operator used
      simdjson::dom::array aliases;
      std::string_view actor_name;
      if (obj["name"].get_string().get(actor_name) != simdjson::SUCCESS) return fail(index, id, "a threat-actor needs a name");
      if (obj["aliases"].get_array().get(aliases) == simdjson::SUCCESS) {
        for (simdjson::dom::element a : aliases) {
          std::string_view alias;
          if (a.get_string().get(alias) != simdjson::SUCCESS) return fail(index, id, "aliases must be strings");
          individuals.emplace_back(std::string(id), std::string(alias));
        }
      }
    }
    if (type == "indicator") {
      std::string_view pattern, pattern_type;
      if (obj["pattern"].get_string().get(pattern) != simdjson::SUCCESS) return fail(index, id, "an indicator needs a pattern");
      if (obj["pattern_type"].get_string().get(pattern_type) != simdjson::SUCCESS)
        return fail(index, id, "an indicator needs a pattern_type");
      if (pattern_type == "stix") {
        auto parsed = StixPatternEqualities(pattern);
        if (!parsed.ok()) return fail(index, id, "pattern: " + parsed.status().message());
      }
    }
    ++index;
  }
  if (source.empty()) source = !producer.empty() ? producer : name;
  // Second pass: the indicators and the individuals' names.
  index = 0;
  for (simdjson::dom::element e : objects) {
    simdjson::dom::object obj = e.get_object().value_unsafe();
    std::string_view type = obj["type"].get_string().value_unsafe();
    std::string_view id = obj["id"].get_string().value_unsafe();
    std::string error;
    if (type == "indicator") {
      std::string_view pattern = obj["pattern"].get_string().value_unsafe();
      std::string_view pattern_type = obj["pattern_type"].get_string().value_unsafe();
      std::string_view label;
      if (obj["name"].get_string().get(label) != simdjson::SUCCESS) label = "";
      if (pattern_type != "stix") {
        Note(r, std::string(id) + ": pattern type '" + std::string(pattern_type) + "' is not matched");
        ++index;
        continue;
      }
      auto equalities = StixPatternEqualities(pattern).value();
      size_t used = 0;
      for (const auto& [path, value] : equalities) {
        const std::string kind = KindOfPath(path);
        if (kind.empty()) continue;
        error.clear();
        Add(r, o, kind, value, std::string(label), std::string(id), source, &error);
        if (!error.empty()) return fail(index, id, error);
        ++used;
      }
      if (used == 0) Note(r, std::string(id) + ": no e-mail, account, phone or IP equality in " + std::string(pattern));
    }
    ++index;
  }
  for (const auto& [id, person] : individuals) {
    // A hashed bundle's display names are persona ids, not indicators; a clear
    // bundle's hex-looking name is noted, not imported.
    if ((o.key != nullptr) != IsOpaqueHash(person)) continue;
    std::string error;
    Add(r, o, kKindName, person, o.key ? "" : person, id, source, &error);
    if (!error.empty()) Note(r, id + ": " + error);
  }
  return Status::OK();
}

// ---- MISP events

// The kind of a MISP attribute: by its object relation inside an object, else its type.
std::string KindOfMisp(std::string_view relation, std::string_view type) {
  if (relation == "identity-card-number" || relation == "passport-number" || relation == "social-security-number" ||
      relation == "national-id" || relation == "dni" || relation == "nif")
    return kKindNationalId;
  if (relation == "username" || relation == "user-id") return kKindAccount;
  if (relation == "full-name") return kKindName;
  if (type == "email" || type == "email-src" || type == "email-dst") return kKindEmail;
  if (type == "phone-number") return kKindPhone;
  if (type == "ip-src" || type == "ip-dst") return kKindIp;
  if (type == "full-name") return kKindName;
  if (type == "identity-card-number" || type == "passport-number") return kKindNationalId;
  return "";
}

Status ParseMispEvent(simdjson::dom::object event, const std::string& where, const std::string& name,
                      const ImportOptions& o, ImportResult& r) {
  std::string_view info;
  if (event["info"].get_string().get(info) != simdjson::SUCCESS) info = "";
  std::string source = o.source;
  std::string_view org_name;
  if (source.empty() && event.at_pointer("/Orgc/name").get_string().get(org_name) == simdjson::SUCCESS)
    source = std::string(org_name);
  if (source.empty()) source = name;
  auto fail = [&](const std::string& path, std::string_view uuid, const std::string& why) {
    return Status::InvalidArgument(name + ": " + path + (uuid.empty() ? "" : " (" + std::string(uuid) + ")") + ": " +
                                   why + "; the event is rejected, nothing imported");
  };
  auto attributes = [&](simdjson::dom::element list, const std::string& path, bool in_object,
                        std::string* first, std::string* last, std::string_view object_uuid) -> Status {
    simdjson::dom::array arr;
    if (list.get_array().get(arr) != simdjson::SUCCESS) return fail(path, object_uuid, "'Attribute' is not an array");
    size_t i = 0;
    for (simdjson::dom::element a : arr) {
      const std::string at = path + "[" + std::to_string(i++) + "]";
      simdjson::dom::object attr;
      if (a.get_object().get(attr) != simdjson::SUCCESS) return fail(at, "", "not a JSON object");
      std::string_view type, value, relation, uuid;
      if (attr["uuid"].get_string().get(uuid) != simdjson::SUCCESS) uuid = "";
      if (attr["type"].get_string().get(type) != simdjson::SUCCESS) return fail(at, uuid, "no 'type'");
      if (attr["value"].get_string().get(value) != simdjson::SUCCESS) return fail(at, uuid, "no 'value'");
      if (!in_object || attr["object_relation"].get_string().get(relation) != simdjson::SUCCESS) relation = "";
      if (relation == "first-name" && first) *first = std::string(value);
      if (relation == "last-name" && last) *last = std::string(value);
      const std::string kind = KindOfMisp(relation, type);
      if (kind.empty()) continue;
      if (kind == kKindName && o.key == nullptr && IsOpaqueHash(value)) continue;
      std::string error;
      Add(r, o, kind, value, std::string(info), std::string(uuid), source, &error);
      if (!error.empty()) return fail(at, uuid, error);
    }
    return Status::OK();
  };
  simdjson::dom::element list;
  if (event["Attribute"].get(list) == simdjson::SUCCESS)
    IMPOSTOR_RETURN_IF_ERROR(attributes(list, where + ".Attribute", false, nullptr, nullptr, ""));
  simdjson::dom::element objects_el;
  if (event["Object"].get(objects_el) == simdjson::SUCCESS) {
    simdjson::dom::array objects;
    if (objects_el.get_array().get(objects) != simdjson::SUCCESS) return fail(where + ".Object", "", "not an array");
    size_t i = 0;
    for (simdjson::dom::element e : objects) {
      const std::string at = where + ".Object[" + std::to_string(i++) + "]";
      simdjson::dom::object obj;
      if (e.get_object().get(obj) != simdjson::SUCCESS) return fail(at, "", "not a JSON object");
      std::string_view obj_name, uuid;
      if (obj["uuid"].get_string().get(uuid) != simdjson::SUCCESS) uuid = "";
      if (obj["name"].get_string().get(obj_name) != simdjson::SUCCESS) return fail(at, uuid, "no 'name'");
      simdjson::dom::element attrs;
      if (obj["Attribute"].get(attrs) != simdjson::SUCCESS) return fail(at, uuid, "no 'Attribute' list");
      std::string first, last;
      IMPOSTOR_RETURN_IF_ERROR(attributes(attrs, at + ".Attribute", true, &first, &last, uuid));
      // A person given as first and last name only is still a name to match.
      if (obj_name == "person" && !first.empty() && !last.empty() && o.key == nullptr) {
        std::string error;
        Add(r, o, kKindName, first + " " + last, std::string(info), std::string(uuid), source, &error);
      }
    }
  }
  return Status::OK();
}

Status ParseMisp(simdjson::dom::element root, const std::string& name, const ImportOptions& o, ImportResult& r) {
  r.format = "misp";
  simdjson::dom::object event;
  if (root.at_key("Event").get_object().get(event) == simdjson::SUCCESS)
    return ParseMispEvent(event, "Event", name, o, r);
  simdjson::dom::array list;
  if (root.is_object() && root.get_object().value_unsafe()["response"].get_array().get(list) == simdjson::SUCCESS) {
  } else if (root.get_array().get(list) != simdjson::SUCCESS) {
    return Status::InvalidArgument(name + ": not a MISP event (no 'Event' object); nothing imported");
  }
  size_t i = 0;
  for (simdjson::dom::element e : list) {
    const std::string at = "[" + std::to_string(i++) + "].Event";
    if (e.at_key("Event").get_object().get(event) != simdjson::SUCCESS)
      return Status::InvalidArgument(name + ": " + at + ": not a MISP event; nothing imported");
    IMPOSTOR_RETURN_IF_ERROR(ParseMispEvent(event, at, name, o, r));
  }
  return Status::OK();
}

// ---- CSV: kind,value[,source], with or without a header row

Status ParseCsv(std::string_view text, const std::string& name, const ImportOptions& o, ImportResult& r) {
  r.format = "csv";
  size_t pos = 0;
  uint64_t lines = 0;
  std::vector<std::string> cells;
  bool first_record = true;
  while (pos < text.size()) {
    const uint64_t line_no = lines + 1;
    cells.clear();
    if (!SplitCsvRecord(text, &pos, &cells, &lines, true)) {
      return Status::InvalidArgument(name + ":" + std::to_string(line_no) +
                                     ": a quoted field is not closed; nothing imported");
    }
    const bool header = first_record && !cells.empty() && AsciiLower(TrimAscii(cells[0])) == "kind";
    first_record = false;
    if (header || cells.empty() || (cells.size() == 1 && TrimAscii(cells[0]).empty())) continue;
    if (!cells[0].empty() && cells[0][0] == '#') continue;  // a comment line
    const std::string where = name + ":" + std::to_string(line_no);
    if (cells.size() < 2) return Status::InvalidArgument(where + ": expected kind,value[,source]; nothing imported");
    const std::string kind = AsciiLower(TrimAscii(cells[0]));
    if (!IsIndicatorKind(kind)) {
      return Status::InvalidArgument(where + ": unknown kind '" + kind +
                                     "' (email, phone, name, ip, national_id, account); nothing imported");
    }
    std::string source = cells.size() > 2 && !TrimAscii(cells[2]).empty() ? std::string(TrimAscii(cells[2])) : o.source;
    if (source.empty()) source = name;
    std::string error;
    Add(r, o, kind, cells[1], "", "line " + std::to_string(line_no), source, &error);
    if (!error.empty()) return Status::InvalidArgument(where + ": " + error + "; nothing imported");
  }
  return Status::OK();
}

}  // namespace

bool IsIndicatorKind(std::string_view kind) {
  return kind == kKindEmail || kind == kKindPhone || kind == kKindName || kind == kKindIp ||
         kind == kKindNationalId || kind == kKindAccount;
}

std::string NormalizeIndicator(std::string_view kind, std::string_view raw, std::string_view default_region) {
  const std::string_view v = TrimAscii(raw);
  if (v.empty()) return "";
  if (IsOpaqueHash(v)) return AsciiLower(v);
  if (kind == kKindEmail) {
    EmailKey key;
    return NormalizeEmail(v, &key) ? key.normalized : "";
  }
  if (kind == kKindPhone) return NormalizePhone(v, default_region);
  if (kind == kKindName) return FoldName(v);
  if (kind == kKindIp) {
    auto ip = IpAddress::Parse(v);
    return ip ? ip->ToString() : "";
  }
  if (kind == kKindNationalId) return NormalizeIdentifier(v);
  if (kind == kKindAccount) return AsciiLower(v);
  return "";
}

Result<std::vector<std::pair<std::string, std::string>>> StixPatternEqualities(std::string_view p) {
  std::vector<std::pair<std::string, std::string>> out;
  int depth = 0;
  size_t i = 0;
  bool any_bracket = false;
  auto at = [&](size_t k) { return " at character " + std::to_string(k + 1); };
  while (i < p.size()) {
    const char c = p[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')') {
      ++i;
    } else if (c == '[') {
      if (depth > 0) return Status::InvalidArgument("'[' inside an observation" + at(i));
      ++depth;
      any_bracket = true;
      ++i;
    } else if (c == ']') {
      if (depth == 0) return Status::InvalidArgument("']' without '['" + at(i));
      --depth;
      ++i;
    } else if (c == '\'') {
      // A string outside a comparison (after IN, LIKE, a qualifier): skip it.
      size_t j = i + 1;
      while (j < p.size() && p[j] != '\'') j += p[j] == '\\' ? 2 : 1;
      if (j >= p.size()) return Status::InvalidArgument("unterminated string" + at(i));
      i = j + 1;
    } else if (depth > 0 && std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < p.size() && IsPathChar(p[j]) && p[j] != '\'') ++j;
      std::string_view token = p.substr(i, j - i);
      i = j;
      if (token.find(':') == std::string_view::npos) continue;  // AND, OR, NOT, LIKE, ...
      while (i < p.size() && std::isspace(static_cast<unsigned char>(p[i]))) ++i;
      if (i < p.size() && p[i] == '=' ) {
        ++i;
        while (i < p.size() && std::isspace(static_cast<unsigned char>(p[i]))) ++i;
        if (i >= p.size() || p[i] != '\'') continue;  // compared with a number or a boolean
        std::string value;
        size_t k = i + 1;
        bool closed = false;
        for (; k < p.size(); ++k) {
          if (p[k] == '\\' && k + 1 < p.size()) {
            value.push_back(p[++k]);
          } else if (p[k] == '\'') {
            closed = true;
            break;
          } else {
            value.push_back(p[k]);
          }
        }
        if (!closed) return Status::InvalidArgument("unterminated string" + at(i));
        out.emplace_back(std::string(token), std::move(value));
        i = k + 1;
      }
    } else {
      ++i;
    }
  }
  if (depth != 0) return Status::InvalidArgument("'[' without ']'");
  if (!any_bracket) return Status::InvalidArgument("no observation expression ('[...]')");
  return out;
}

Result<ImportResult> ParseWatchlist(std::string_view text, const std::string& name, const ImportOptions& o) {
  ImportResult r;
  size_t first = 0;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  if (first < text.size() && (text[first] == '{' || text[first] == '[')) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (auto err = parser.parse(text.data(), text.size()).get(root)) {
      return Status::InvalidArgument(name + ": not valid JSON (" + simdjson::error_message(err) + "); nothing imported");
    }
    std::string_view type;
    if (root.is_object() && root["type"].get_string().get(type) == simdjson::SUCCESS) {
      if (type != "bundle") {
        return Status::InvalidArgument(name + ": a STIX object of type '" + std::string(type) +
                                       "', not a bundle; wrap it in {\"type\":\"bundle\",...}; nothing imported");
      }
      IMPOSTOR_RETURN_IF_ERROR(ParseStix(root.get_object().value_unsafe(), name, o, r));
    } else {
      IMPOSTOR_RETURN_IF_ERROR(ParseMisp(root, name, o, r));
    }
  } else {
    IMPOSTOR_RETURN_IF_ERROR(ParseCsv(text, name, o, r));
  }
  return r;
}

Result<ImportResult> ReadWatchlistFile(const std::string& path, const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  return ParseWatchlist(text, path, options);
}

}  // namespace impostor
