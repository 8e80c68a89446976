#include "engine/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "common/data_dir.h"

namespace impostor {

namespace {


Status CheckKeys(const YAML::Node& node, const std::string& file, const std::string& section,
                 const std::set<std::string>& allowed) {
  if (!node || node.IsNull()) return Status::OK();
  if (!node.IsMap()) return Status::InvalidArgument(YamlWhere(file, node) + ": '" + section + "' must be a mapping");
  for (const auto& kv : node) {
    if (!allowed.count(kv.first.Scalar())) {
      std::string names;
      for (const std::string& a : allowed) names += (names.empty() ? "" : ", ") + a;
      return Status::InvalidArgument(YamlWhere(file, kv.first) + ": unknown key '" + kv.first.Scalar() + "' in " +
                                     section + "; valid keys: " + names);
    }
  }
  return Status::OK();
}

Status ReadNumber(const YAML::Node& node, const std::string& file, const std::string& name, double* out) {
  if (!node) return Status::OK();
  try {
    *out = node.as<double>();
  } catch (const YAML::Exception&) {
    return Status::InvalidArgument(YamlWhere(file, node) + ": " + name + " must be a number");
  }
  return Status::OK();
}

Status ReadStrings(const YAML::Node& node, const std::string& file, const std::string& name,
                   std::vector<std::string>* out) {
  if (!node || node.IsNull()) return Status::OK();
  if (node.IsScalar()) {
    out->push_back(node.Scalar());
    return Status::OK();
  }
  if (!node.IsSequence()) return Status::InvalidArgument(YamlWhere(file, node) + ": " + name + " must be a list");
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return Status::InvalidArgument(YamlWhere(file, item) + ": " + name + " entries must be text");
    out->push_back(item.Scalar());
  }
  return Status::OK();
}

// networks.<kind>: a list of {name, cidrs: [...]} or {name, file}.
Status ReadLists(const YAML::Node& node, const std::string& file, const std::string& section,
                 NetworkListSpec::Kind kind, std::vector<NetworkListSpec>* out) {
  if (!node || node.IsNull()) return Status::OK();
  if (!node.IsSequence())
    return Status::InvalidArgument(YamlWhere(file, node) + ": networks." + section +
                                   " must be a list of {name, cidrs: [...]} or {name, file}");
  for (const YAML::Node& item : node) {
    IMPOSTOR_RETURN_IF_ERROR(CheckKeys(item, file, "networks." + section, {"name", "cidrs", "file"}));
    NetworkListSpec spec;
    spec.kind = kind;
    spec.name = item["name"] ? item["name"].Scalar() : section;
    if (item["file"]) spec.path = item["file"].Scalar();
    IMPOSTOR_RETURN_IF_ERROR(ReadStrings(item["cidrs"], file, "networks." + section + ".cidrs", &spec.cidrs));
    if (spec.path.empty() && spec.cidrs.empty())
      return Status::InvalidArgument(YamlWhere(file, item) + ": networks." + section + " entry '" + spec.name +
                                     "' needs cidrs or a file");
    out->push_back(std::move(spec));
  }
  return Status::OK();
}

}  // namespace

std::string DefaultDataDir() { return DataDir(); }

std::string DefaultModelPath(const std::string& data_dir) {
  const char* env = std::getenv("IMPOSTOR_MODEL");
  if (env && *env) return env;
  return data_dir + "/../models/risk_model.json";
}

std::string DefaultCacheDir() {
  const char* env = std::getenv("IMPOSTOR_CACHE");
  if (env && *env) return env;
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/.cache/impostor" : IMPOSTOR_CACHE_DIR;
}

Result<ImpostorConfig> ParseConfig(const std::string& yaml, const std::string& name, const std::string& data_dir,
                                   const std::string& cache_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  ImpostorConfig config;
  config.source = name;
  if (root && !root.IsNull()) {
    IMPOSTOR_RETURN_IF_ERROR(CheckKeys(root, name, "the config", {"geoip", "networks", "csv", "people", "detectors"}));
  }
  const YAML::Node geoip = root ? root["geoip"] : YAML::Node();
  const YAML::Node networks = root ? root["networks"] : YAML::Node();
  IMPOSTOR_RETURN_IF_ERROR(CheckKeys(geoip, name, "geoip",
                                     {"mmdb", "asn_csv", "default_city_accuracy_km", "default_country_accuracy_km"}));
  IMPOSTOR_RETURN_IF_ERROR(CheckKeys(networks, name, "networks",
                                     {"org_egress", "vpn", "hosting", "tor_exit_list", "shipped_catalogues"}));

  bool shipped = true;
  if (networks && networks["shipped_catalogues"]) {
    const std::string v = networks["shipped_catalogues"].Scalar();
    if (v != "true" && v != "false")
      return Status::InvalidArgument(YamlWhere(name, networks["shipped_catalogues"]) + ": shipped_catalogues must be true or false");
    shipped = v == "true";
  }
  config.enrich = DefaultEnrichConfig(data_dir, cache_dir);
  if (!shipped) config.enrich.lists.clear();

  if (geoip) {
    std::vector<std::string> mmdb;
    IMPOSTOR_RETURN_IF_ERROR(ReadStrings(geoip["mmdb"], name, "geoip.mmdb", &mmdb));
    if (!mmdb.empty()) config.enrich.mmdb_paths = mmdb;  // explicit files replace the installed ones
    if (geoip["asn_csv"]) {
      config.enrich.asn_csv_path = geoip["asn_csv"].Scalar();
      config.enrich.asn_csv_paths.clear();
    }
    IMPOSTOR_RETURN_IF_ERROR(ReadNumber(geoip["default_city_accuracy_km"], name, "geoip.default_city_accuracy_km",
                                        &config.enrich.default_city_accuracy_km));
    IMPOSTOR_RETURN_IF_ERROR(ReadNumber(geoip["default_country_accuracy_km"], name,
                                        "geoip.default_country_accuracy_km", &config.enrich.default_country_accuracy_km));
  }
  if (networks) {
    using K = NetworkListSpec::Kind;
    IMPOSTOR_RETURN_IF_ERROR(ReadLists(networks["org_egress"], name, "org_egress", K::kOrgEgress, &config.enrich.lists));
    IMPOSTOR_RETURN_IF_ERROR(ReadLists(networks["vpn"], name, "vpn", K::kVpn, &config.enrich.lists));
    IMPOSTOR_RETURN_IF_ERROR(ReadLists(networks["hosting"], name, "hosting", K::kHosting, &config.enrich.lists));
    if (networks["tor_exit_list"] && !networks["tor_exit_list"].Scalar().empty())
      config.enrich.lists.push_back({"Tor exit", K::kTor, networks["tor_exit_list"].Scalar(), {}});
  }
  if (root && root["csv"]) {
    IMPOSTOR_RETURN_IF_ERROR(CheckKeys(root["csv"], name, "csv", {"columns"}));
    const YAML::Node cols = root["csv"]["columns"];
    if (cols) {
      if (!cols.IsMap()) return Status::InvalidArgument(YamlWhere(name, cols) + ": csv.columns must map field names to column names");
      for (const auto& kv : cols) config.csv_columns[kv.first.Scalar()] = kv.second.Scalar();
    }
  }
  if (root && root["people"]) {
    const YAML::Node people = root["people"];
    IMPOSTOR_RETURN_IF_ERROR(CheckKeys(people, name, "people", {"linkage", "photo_faces"}));
    if (people["linkage"]) config.linkage_path = people["linkage"].Scalar();
    if (people["photo_faces"]) {
      const std::string v = people["photo_faces"].Scalar();
      if (v != "true" && v != "false")
        return Status::InvalidArgument(YamlWhere(name, people["photo_faces"]) + ": people.photo_faces must be true or false");
      config.photo_faces = v == "true";
    }
  }
  IMPOSTOR_ASSIGN_OR_RETURN(auto detectors, DetectorConfig::FromYaml(root ? root["detectors"] : YAML::Node(), name));
  config.detectors = std::move(detectors);
  return config;
}

Result<ImpostorConfig> LoadConfig(const std::string& path, const std::string& data_dir, const std::string& cache_dir) {
  if (path.empty()) return ParseConfig("", "defaults", data_dir, cache_dir);
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot open the config file; check the --config path");
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path, data_dir, cache_dir);
}

}  // namespace impostor
