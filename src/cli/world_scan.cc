#include "cli/world_scan.h"

#include <algorithm>
#include <filesystem>

#include "engine/config.h"
#include "engine/scan.h"

namespace impostor {

std::vector<std::string> WorldInputs(const std::string& world_dir, const WorldEvidence& evidence) {
  namespace fs = std::filesystem;
  std::vector<std::string> inputs;
  for (const char* sub : {"signins", "mfa", "devices"}) {
    if (!evidence.devices && std::string_view(sub) == "devices") continue;
    fs::path dir = fs::path(world_dir) / sub;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file()) inputs.push_back(entry.path().string());
  }
  std::sort(inputs.begin(), inputs.end());
  fs::path people = fs::path(world_dir) / "people.csv";
  if (fs::exists(people)) inputs.push_back(people.string());
  return inputs;
}

namespace {
struct CountingRejects : RejectSink {
  void OnReject(const Reject&) override {}
};
}  // namespace

Result<std::vector<Finding>> ScanWorld(const std::string& world_dir, const std::string& db,
                                       const WorldEvidence& evidence) {
  namespace fs = std::filesystem;
  std::string config_path = (fs::path(world_dir) / "impostor.yaml").string();
  auto config = LoadConfig(fs::exists(config_path) ? config_path : "", DefaultDataDir(), DefaultCacheDir());
  if (!config.ok()) return config.status();
  ScanOptions options;
  options.inputs = WorldInputs(world_dir, evidence);
  if (options.inputs.empty()) return Status::NotFound(world_dir + ": no signins/, devices/, mfa/ or people.csv here");
  options.db_path = db;
  options.photo_faces = false;  // simulated portraits are drawings: no face detector finds them
  CountingRejects rejects;
  auto result = RunScan(options, *config, rejects);
  if (!result.ok()) return result.status();
  return std::move(result->findings);
}

}  // namespace impostor
