// ImpostorConfig: the one YAML file that configures a run (`--config`). Every key
// is optional; config/impostor.yaml documents each with its default and unit.
//
//   geoip:     mmdb: [files], asn_csv: file, default_city_accuracy_km: 50, default_country_accuracy_km: 500
//   networks:  org_egress: [{name, cidrs: [...]} | {name, file}], vpn: [...], hosting: [...],
//              tor_exit_list: file, shipped_catalogues: true
//   csv:       columns: {account: UserName, time: When, ip: SourceIP, ...}
//   people:    linkage: config/linkage/people.yaml, photo_faces: true
//   detectors: {<detector id>: {enabled: true, <param>: <value>}}
//
// Unknown keys and wrong types are errors that name the file, the line and the
// valid keys: a typo must never silently fall back to a default.
//
// Thread safety: a loaded config is immutable.
#ifndef IMPOSTOR_ENGINE_CONFIG_H_
#define IMPOSTOR_ENGINE_CONFIG_H_

#include <map>
#include <string>

#include "common/status.h"
#include "detect/detector_config.h"
#include "enrich/enricher.h"

namespace impostor {

struct ImpostorConfig {
  EnrichConfig enrich;
  DetectorConfig detectors;
  std::map<std::string, std::string> csv_columns;
  std::string linkage_path;  // persona linkage config; "" = the built-in default
  bool photo_faces = true;   // hash face regions of people photos (about 0.1 s per photo)
  std::string source;  // file it came from, or "defaults"
};

// Where the product's shipped data (data/catalog) and the bootstrap's GeoIP cache
// are: $IMPOSTOR_DATA / $IMPOSTOR_CACHE when set, else the build-time defaults
// (DefaultDataDir is common/data_dir.h's DataDir, which every catalogue uses).
std::string DefaultDataDir();
std::string DefaultCacheDir();
// The shipped risk model: $IMPOSTOR_MODEL, else <data_dir>/../models/risk_model.json.
std::string DefaultModelPath(const std::string& data_dir);

// Loads `path` ("" = defaults only) on top of the defaults.
Result<ImpostorConfig> LoadConfig(const std::string& path, const std::string& data_dir, const std::string& cache_dir);
// Same, from YAML text (tests); `name` is used in messages.
Result<ImpostorConfig> ParseConfig(const std::string& yaml, const std::string& name, const std::string& data_dir,
                                   const std::string& cache_dir);

}  // namespace impostor

#endif  // IMPOSTOR_ENGINE_CONFIG_H_
