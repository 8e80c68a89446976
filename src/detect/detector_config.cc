#include "detect/detector_config.h"

#include <cstdlib>

namespace impostor {

namespace {

bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

bool LooksBool(const std::string& s) { return s == "true" || s == "false"; }


}  // namespace

std::string YamlWhere(const std::string& file, const YAML::Node& node) {
  return file + ":" + std::to_string(node.Mark().line + 1);
}

double DetectorParams::Number(const std::string& key, double default_value) const {
  if (!node_ || !node_.IsMap() || !node_[key] || !node_[key].IsScalar()) return default_value;
  const std::string& s = node_[key].Scalar();
  return LooksNumeric(s) ? std::strtod(s.c_str(), nullptr) : default_value;
}

bool DetectorParams::Flag(const std::string& key, bool default_value) const {
  if (!node_ || !node_.IsMap() || !node_[key] || !node_[key].IsScalar()) return default_value;
  const std::string& s = node_[key].Scalar();
  return LooksBool(s) ? s == "true" : default_value;
}

std::string DetectorParams::Text(const std::string& key, const std::string& default_value) const {
  if (!node_ || !node_.IsMap() || !node_[key] || !node_[key].IsScalar()) return default_value;
  return node_[key].Scalar();
}

std::vector<std::string> DetectorParams::List(const std::string& key,
                                              const std::vector<std::string>& default_value) const {
  if (!node_ || !node_.IsMap() || !node_[key] || !node_[key].IsSequence()) return default_value;
  std::vector<std::string> out;
  for (const YAML::Node& item : node_[key])
    if (item.IsScalar()) out.push_back(item.Scalar());
  return out;
}

Result<DetectorConfig> DetectorConfig::FromYaml(const YAML::Node& detectors, const std::string& file) {
  DetectorConfig config;
  config.file_ = file;
  if (!detectors || detectors.IsNull()) return config;
  if (!detectors.IsMap())
    return Status::InvalidArgument(YamlWhere(file, detectors) + ": 'detectors' must be a mapping of detector id to parameters");
  for (const auto& kv : detectors) {
    if (!kv.first.IsScalar())
      return Status::InvalidArgument(YamlWhere(file, kv.first) + ": detector id must be a string");
    if (!kv.second.IsMap() && !kv.second.IsNull())
      return Status::InvalidArgument(YamlWhere(file, kv.second) + ": parameters of '" + kv.first.Scalar() +
                                     "' must be a mapping (key: value)");
    config.by_id_[kv.first.Scalar()] = kv.second;
  }
  return config;
}

Status DetectorConfig::Validate(const std::vector<DetectorInfo>& known) const {
  for (const auto& [id, node] : by_id_) {
    const DetectorInfo* info = nullptr;
    for (const DetectorInfo& k : known)
      if (k.id == id) info = &k;
    if (!info) {
      std::string names;
      for (const DetectorInfo& k : known) names += (names.empty() ? "" : ", ") + k.id;
      return Status::InvalidArgument(file_ + ": unknown detector '" + id + "'; known detectors: " + names);
    }
    if (!node.IsMap()) continue;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const ParamInfo* param = nullptr;
      for (const ParamInfo& p : info->params)
        if (p.name == key) param = &p;
      if (key == "enabled") {
        if (!kv.second.IsScalar() || !LooksBool(kv.second.Scalar()))
          return Status::InvalidArgument(YamlWhere(file_, kv.second) + ": " + id + ".enabled must be true or false");
        continue;
      }
      if (!param) {
        std::string names = "enabled";
        for (const ParamInfo& p : info->params) names += ", " + p.name;
        return Status::InvalidArgument(YamlWhere(file_, kv.first) + ": '" + key + "' is not a parameter of " + id +
                                       "; its parameters are: " + names);
      }
      const std::string& def = param->default_value;
      bool want_list = !def.empty() && def.front() == '[';
      bool ok = want_list ? kv.second.IsSequence()
                          : kv.second.IsScalar() && (LooksNumeric(def) ? LooksNumeric(kv.second.Scalar())
                                                     : LooksBool(def) ? LooksBool(kv.second.Scalar())
                                                                      : true);
      if (!ok) {
        const char* what = want_list ? "a list" : LooksNumeric(def) ? "a number" : LooksBool(def) ? "true or false" : "text";
        return Status::InvalidArgument(YamlWhere(file_, kv.second) + ": " + id + "." + key + " must be " + what +
                                       (param->unit.empty() ? "" : " (" + param->unit + ")") + "; default " + def);
      }
    }
  }
  return Status::OK();
}

DetectorParams DetectorConfig::ParamsFor(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? DetectorParams() : DetectorParams(it->second);
}

}  // namespace impostor
