#include "resolve/linkage_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <fstream>
#include <set>
#include <sstream>

namespace impostor {
namespace {

struct KindName {
  ComparisonKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {ComparisonKind::kGivenName, "given_name"}, {ComparisonKind::kFamilyName, "family_name"},
    {ComparisonKind::kPersonName, "person_name"}, {ComparisonKind::kEmail, "email"},
    {ComparisonKind::kPhone, "phone"},          {ComparisonKind::kDate, "date"},
    {ComparisonKind::kAddress, "address"},      {ComparisonKind::kPostcode, "postcode"},
    {ComparisonKind::kIdentifier, "identifier"}, {ComparisonKind::kText, "text"},
    {ComparisonKind::kPhotoHash, "photo_hash"},
};

bool DefaultGenericGuard(ComparisonKind kind) {
  return kind == ComparisonKind::kEmail || kind == ComparisonKind::kPhone || kind == ComparisonKind::kAddress ||
         kind == ComparisonKind::kIdentifier || kind == ComparisonKind::kPhotoHash;
}

bool IsPersonField(const std::string& f) {
  const auto& names = PersonFieldNames();
  return std::find(names.begin(), names.end(), f) != names.end();
}

Status ParseKey(const std::string& text, BlockingKey* key) {
  const size_t colon = text.find(':');
  key->field = text.substr(0, colon);
  key->transform = KeyTransform::kExact;
  if (!IsPersonField(key->field)) return Status::InvalidArgument("unknown field '" + key->field + "'");
  if (colon == std::string::npos) return Status::OK();
  const std::string t = text.substr(colon + 1);
  static const std::pair<const char*, KeyTransform> kTransforms[] = {
      {"exact", KeyTransform::kExact},     {"soundex", KeyTransform::kSoundex},
      {"initial", KeyTransform::kInitial}, {"prefix3", KeyTransform::kPrefix3},
      {"year", KeyTransform::kYear},       {"pattern", KeyTransform::kPattern},
      {"local", KeyTransform::kLocal},     {"variant", KeyTransform::kVariant},
  };
  for (const auto& [name, tr] : kTransforms) {
    if (t == name) {
      key->transform = tr;
      return Status::OK();
    }
  }
  return Status::InvalidArgument("unknown key transform '" + t +
                                 "' (exact, soundex, initial, prefix3, year, pattern, local, variant)");
}

const char* kDefaultYaml = R"(
default_region: US
date_order: dmy
comparisons:
  - {field: given_name, kind: given_name}
  - {field: family_name, kind: family_name}
  - {field: dob, kind: date}
  - {field: email, kind: email}
  - {field: phone, kind: phone}
  - {field: address, kind: address}
  - {field: postcode, kind: postcode}
  - {field: city, kind: text}
  - {field: national_id, kind: identifier}
  - {field: bank_account, kind: identifier}
  - {field: payout, kind: identifier}
  - {field: github, kind: identifier}
  - {field: linkedin, kind: identifier}
  - {field: photo, kind: photo_hash}
blocking:
  - [email]
  - [email:pattern, family_name:initial]
  - [phone]
  - [national_id]
  - [bank_account]
  - [payout]
  - [github]
  - [linkedin]
  - [photo]
  - [dob, family_name:soundex]
  - [dob, given_name:soundex]
  - [postcode, given_name:initial, family_name:initial]
  - [family_name:variant, given_name:variant, dob:year]
generic_threshold: 50
max_block_size: 200
match_probability: 0.9
u_sample_pairs: 50000
em_iterations: 30
max_cluster_size: 0
identifier_links: 2
core_check: true
)";

Result<LinkageConfig> ParseNode(const YAML::Node& root, const std::string& origin) {
  LinkageConfig config;
  if (!root.IsMap()) return Status::InvalidArgument(origin + ": expected a YAML mapping at the top");
  static const std::set<std::string> kKnown = {
      "columns", "default_region", "date_order", "comparisons", "blocking", "generic_threshold",
      "max_block_size", "match_probability", "u_sample_pairs", "em_iterations", "max_cluster_size",
      "threads", "catalog_dir", "identifier_links", "core_check"};
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (!kKnown.count(key)) return Status::InvalidArgument(origin + ": unknown key '" + key + "'");
  }
  if (root["columns"]) {
    if (!root["columns"].IsMap()) return Status::InvalidArgument(origin + ": columns: expected a mapping");
    for (const auto& kv : root["columns"]) {
      const std::string field = kv.first.as<std::string>();
      if (!IsPersonField(field)) return Status::InvalidArgument(origin + ": columns: unknown person field '" + field + "'");
      std::vector<std::string> cols;
      if (kv.second.IsSequence()) {
        for (const auto& c : kv.second) cols.push_back(c.as<std::string>());
      } else {
        cols.push_back(kv.second.as<std::string>());
      }
      config.columns[field] = cols;
    }
  }
  if (root["default_region"]) config.default_region = root["default_region"].as<std::string>();
  if (root["date_order"]) {
    const std::string order = root["date_order"].as<std::string>();
    if (order == "dmy") {
      config.date_order = DateOrder::kDayFirst;
    } else if (order == "mdy") {
      config.date_order = DateOrder::kMonthFirst;
    } else {
      return Status::InvalidArgument(origin + ": date_order: expected dmy or mdy, got '" + order + "'");
    }
  }
  if (root["comparisons"]) {
    const YAML::Node comps = root["comparisons"];
    if (!comps.IsSequence()) return Status::InvalidArgument(origin + ": comparisons: expected a list");
    for (size_t i = 0; i < comps.size(); ++i) {
      const std::string where = origin + ": comparisons[" + std::to_string(i) + "]";
      const YAML::Node c = comps[i];
      if (!c.IsMap() || !c["field"] || !c["kind"]) return Status::InvalidArgument(where + ": needs field and kind");
      ComparisonSpec spec;
      spec.field = c["field"].as<std::string>();
      if (!IsPersonField(spec.field)) return Status::InvalidArgument(where + ": unknown field '" + spec.field + "'");
      const std::string kind = c["kind"].as<std::string>();
      if (!ComparisonKindFromName(kind, &spec.kind)) {
        return Status::InvalidArgument(where + ": unknown kind '" + kind + "'");
      }
      spec.generic_guard = DefaultGenericGuard(spec.kind);
      if (c["tf_adjust"]) spec.tf_adjust = c["tf_adjust"].as<bool>();
      if (c["generic_guard"]) spec.generic_guard = c["generic_guard"].as<bool>();
      config.comparisons.push_back(spec);
    }
  }
  if (config.comparisons.empty()) return Status::InvalidArgument(origin + ": no comparisons");
  if (config.comparisons.size() > 15) return Status::InvalidArgument(origin + ": at most 15 comparisons");
  if (root["blocking"]) {
    const YAML::Node rules = root["blocking"];
    if (!rules.IsSequence()) return Status::InvalidArgument(origin + ": blocking: expected a list of key lists");
    for (size_t i = 0; i < rules.size(); ++i) {
      const std::string where = origin + ": blocking[" + std::to_string(i) + "]";
      BlockingRule rule;
      std::vector<std::string> texts;
      if (rules[i].IsSequence()) {
        for (const auto& k : rules[i]) texts.push_back(k.as<std::string>());
      } else {
        texts.push_back(rules[i].as<std::string>());
      }
      for (const std::string& text : texts) {
        BlockingKey key;
        Status st = ParseKey(text, &key);
        if (!st.ok()) return Status::InvalidArgument(where + ": " + st.message());
        rule.keys.push_back(key);
        rule.name += (rule.name.empty() ? "" : "+") + text;
      }
      if (rule.keys.empty()) return Status::InvalidArgument(where + ": empty rule");
      config.blocking.push_back(rule);
    }
  }
  if (config.blocking.empty()) return Status::InvalidArgument(origin + ": no blocking rules");
  if (config.blocking.size() > 31) return Status::InvalidArgument(origin + ": at most 31 blocking rules");
  auto positive = [&](const char* key, auto* out) -> Status {
    if (!root[key]) return Status::OK();
    const double v = root[key].as<double>();
    if (!(v >= 0)) return Status::InvalidArgument(origin + ": " + key + ": must be >= 0");
    using T = std::remove_reference_t<decltype(*out)>;
    if constexpr (std::is_integral_v<T>) {
      // A count beyond its type would wrap (undefined behaviour in the conversion).
      // 2^digits is exact in a double; max() is not for 64-bit types and would round up.
      if (!(v < std::ldexp(1.0, std::numeric_limits<T>::digits)))
        return Status::InvalidArgument(origin + ": " + key + ": must be at most " +
                                       std::to_string(std::numeric_limits<T>::max()));
    }
    *out = static_cast<T>(v);
    return Status::OK();
  };
  IMPOSTOR_RETURN_IF_ERROR(positive("generic_threshold", &config.generic_threshold));
  IMPOSTOR_RETURN_IF_ERROR(positive("max_block_size", &config.max_block_size));
  IMPOSTOR_RETURN_IF_ERROR(positive("match_probability", &config.match_probability));
  IMPOSTOR_RETURN_IF_ERROR(positive("u_sample_pairs", &config.u_sample_pairs));
  IMPOSTOR_RETURN_IF_ERROR(positive("em_iterations", &config.em_iterations));
  IMPOSTOR_RETURN_IF_ERROR(positive("max_cluster_size", &config.max_cluster_size));
  IMPOSTOR_RETURN_IF_ERROR(positive("threads", &config.threads));
  IMPOSTOR_RETURN_IF_ERROR(positive("identifier_links", &config.identifier_links));
  if (root["core_check"]) {
    try {
      config.core_check = root["core_check"].as<bool>();
    } catch (const YAML::Exception&) {
      return Status::InvalidArgument(origin + ": core_check: must be true or false");
    }
  }
  if (root["catalog_dir"]) config.catalog_dir = root["catalog_dir"].as<std::string>();
  if (config.match_probability <= 0 || config.match_probability >= 1) {
    return Status::InvalidArgument(origin + ": match_probability: must be between 0 and 1");
  }
  if (config.max_block_size < 2) return Status::InvalidArgument(origin + ": max_block_size: must be >= 2");
  return config;
}

}  // namespace

const char* ComparisonKindName(ComparisonKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

bool ComparisonKindFromName(const std::string& name, ComparisonKind* kind) {
  for (const auto& k : kKinds) {
    if (name == k.name) {
      *kind = k.kind;
      return true;
    }
  }
  return false;
}

const std::vector<std::string>& PersonFieldNames() {
  static const std::vector<std::string> kNames = {
      "record_id", "source", "org", "user", "full_name", "given_name", "family_name", "email", "phone",
      "address", "city", "region", "postcode", "country", "ship_to", "dob", "national_id", "bank_account",
      "payout", "photo", "github", "linkedin", "hired", "ended", "timezone", "referrer"};
  return kNames;
}

Result<LinkageConfig> ParseLinkageConfig(const std::string& yaml_text, const std::string& origin) {
  try {
    return ParseNode(YAML::Load(yaml_text), origin);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(origin + ": " + e.what());
  }
}

Result<LinkageConfig> LoadLinkageConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("linkage config not found: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseLinkageConfig(ss.str(), path);
}

LinkageConfig DefaultLinkageConfig() {
  Result<LinkageConfig> config = ParseLinkageConfig(kDefaultYaml, "built-in people config");
  assert(config.ok());
  return config.ok() ? std::move(config).value() : LinkageConfig();
}

}  // namespace impostor
