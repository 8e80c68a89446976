#include "cli/world_scan.h"

#include <algorithm>
#include <filesystem>

#include "engine/config.h"
#include "engine/scan.h"

namespace impostor {

std::vector<std::string> WorldInputs(const std::string& world_dir, const WorldEvidence& evidence) {
  namespace fs = std::filesystem;
  std::vector<std::string> inputs;
  for (const auto& [sub, wanted] : {std::pair<const char*, bool>{"signins", evidence.signins},
                                    {"mfa", evidence.mfa},
                                    {"devices", evidence.devices}}) {
    if (!wanted) continue;
    fs::path dir = fs::path(world_dir) / sub;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file()) inputs.push_back(entry.path().string());
  }
  std::sort(inputs.begin(), inputs.end());
  fs::path people = fs::path(world_dir) / "people.csv";
  if (evidence.people && fs::exists(people)) inputs.push_back(people.string());
  return inputs;
}

namespace {
struct NamedView {
  const char* name;
  WorldEvidence evidence;
};
const NamedView kViews[] = {
    {"all", {true, true, true, true}},
    {"no-devices", {true, true, false, true}},
    {"people-only", {false, false, false, true}},
    {"signins-only", {true, false, false, false}},
};
}  // namespace

std::string WorldEvidence::Name() const {
  for (const NamedView& v : kViews) {
    const WorldEvidence& e = v.evidence;
    if (e.signins == signins && e.mfa == mfa && e.devices == devices && e.people == people) return v.name;
  }
  return std::string(signins ? "s" : "") + (mfa ? "m" : "") + (devices ? "d" : "") + (people ? "p" : "");
}

Result<WorldEvidence> WorldEvidence::Parse(const std::string& name) {
  std::string known;
  for (const NamedView& v : kViews) {
    if (name == v.name) return v.evidence;
    known += known.empty() ? v.name : std::string(", ") + v.name;
  }
  return Status::InvalidArgument("unknown evidence view '" + name + "' (known: " + known + ")");
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
  IMPOSTOR_ASSIGN_OR_RETURN(
      auto config, LoadConfig(fs::exists(config_path) ? config_path : "", DefaultDataDir(), DefaultCacheDir()));
  ScanOptions options;
  options.inputs = WorldInputs(world_dir, evidence);
  if (options.inputs.empty()) return Status::NotFound(world_dir + ": no signins/, devices/, mfa/ or people.csv here");
  options.db_path = db;
  options.photo_faces = false;  // simulated portraits are drawings: no face detector finds them
  CountingRejects rejects;
  IMPOSTOR_ASSIGN_OR_RETURN(auto result, RunScan(options, config, rejects));
  return std::move(result.findings);
}

}  // namespace impostor
