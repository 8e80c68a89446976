// DetectorConfig: detector parameters as data. The `detectors:` section of the
// impostor YAML config holds one mapping per detector id:
//
//   detectors:
//     signin.impossible_travel:
//       enabled: true
//       max_speed_kmh: 900
//
// Validate() checks every id and key against the registered DetectorInfo (unknown
// ids, unknown keys and wrong types are errors with file:line and the valid
// names), so the getters of DetectorParams cannot fail and fall back to defaults.
//
// Thread safety: immutable after construction; safe to share.
#ifndef IMPOSTOR_DETECT_DETECTOR_CONFIG_H_
#define IMPOSTOR_DETECT_DETECTOR_CONFIG_H_

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/detector.h"

namespace impostor {

// "file:line" of a YAML node, for messages about config files.
std::string YamlWhere(const std::string& file, const YAML::Node& node);

class DetectorParams {
 public:
  DetectorParams() = default;
  explicit DetectorParams(YAML::Node node) : node_(std::move(node)) {}
  bool enabled() const { return Flag("enabled", true); }
  double Number(const std::string& key, double default_value) const;
  bool Flag(const std::string& key, bool default_value) const;
  std::string Text(const std::string& key, const std::string& default_value) const;
  std::vector<std::string> List(const std::string& key, const std::vector<std::string>& default_value) const;

 private:
  YAML::Node node_;
};

class DetectorConfig {
 public:
  DetectorConfig() = default;
  // `detectors` is the YAML mapping under `detectors:` (may be null); `file` names
  // the config for messages.
  static Result<DetectorConfig> FromYaml(const YAML::Node& detectors, const std::string& file);

  // Checks ids, keys and value types against the known detectors.
  Status Validate(const std::vector<DetectorInfo>& known) const;

  DetectorParams ParamsFor(const std::string& id) const;

 private:
  std::map<std::string, YAML::Node> by_id_;
  std::string file_;
};

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_DETECTOR_CONFIG_H_
