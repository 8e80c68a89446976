#include "engine/verdict_labels.h"

#include <filesystem>
#include <map>

#include "engine/scan.h"
#include "store/store.h"

namespace impostor {

Result<LabelledWorld> LabelStoreVerdicts(const std::string& db_path) {
  std::error_code ec;
  if (!IsPostgresUrl(db_path) && !std::filesystem::exists(db_path, ec)) return Status::NotFound(db_path + ": no such store");
  IMPOSTOR_ASSIGN_OR_RETURN(auto store, OpenStore(db_path));
  // Every stored finding: risk.* findings are no feature column but take verdicts.
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto findings, store->QueryFindings(FindingQuery{}), StoreName(db_path));
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto verdicts, store->QueryVerdicts(""), StoreName(db_path));
  std::map<std::string, bool> latest;  // verdicts come oldest first: the last one wins
  for (const Verdict& v : verdicts) latest[v.finding_key] = v.kind == VerdictKind::kConfirmed;
  std::vector<FindingVerdict> labels;
  labels.reserve(latest.size());
  for (const auto& [key, confirmed] : latest) labels.push_back({key, confirmed});
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto personas, LoadPersonas(*store), StoreName(db_path));
  IMPOSTOR_ASSIGN_OR_RETURN_CONTEXT(auto signins, LoadAccountSignIns(*store), StoreName(db_path));
  return LabelFromVerdicts(StoreName(db_path), std::move(findings), labels, std::move(personas), std::move(signins));
}

}  // namespace impostor
