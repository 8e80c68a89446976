#include "engine/verdict_labels.h"

#include <filesystem>
#include <map>

#include "engine/scan.h"
#include "store/store.h"

namespace impostor {

Result<LabelledWorld> LabelStoreVerdicts(const std::string& db_path) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return Status::NotFound(db_path + ": no such store");
  auto store = OpenSqliteStore(db_path);
  if (!store.ok()) return store.status();
  // Every stored finding: risk.* findings are no feature column but take verdicts.
  auto findings = (*store)->QueryFindings(FindingQuery{});
  if (!findings.ok()) return findings.status().WithContext(db_path);
  auto verdicts = (*store)->QueryVerdicts("");
  if (!verdicts.ok()) return verdicts.status().WithContext(db_path);
  std::map<std::string, bool> latest;  // verdicts come oldest first: the last one wins
  for (const Verdict& v : *verdicts) latest[v.finding_key] = v.kind == VerdictKind::kConfirmed;
  std::vector<FindingVerdict> labels;
  labels.reserve(latest.size());
  for (const auto& [key, confirmed] : latest) labels.push_back({key, confirmed});
  auto personas = LoadPersonas(**store);
  if (!personas.ok()) return personas.status().WithContext(db_path);
  auto signins = LoadAccountSignIns(**store);
  if (!signins.ok()) return signins.status().WithContext(db_path);
  return LabelFromVerdicts(db_path, std::move(findings).value(), labels, std::move(personas).value(),
                           std::move(signins).value());
}

}  // namespace impostor
