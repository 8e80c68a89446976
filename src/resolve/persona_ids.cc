#include "resolve/persona_ids.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <vector>

namespace impostor {
namespace {

uint64_t IdNumber(const std::string& id) {
  const size_t dash = id.rfind('-');
  return dash == std::string::npos ? UINT64_MAX : std::strtoull(id.c_str() + dash + 1, nullptr, 10);
}

}  // namespace

Result<PersonaIdMap> PersonaIdMap::Load(const std::string& path) {
  PersonaIdMap map;
  std::ifstream in(path);
  if (!in) return map;
  std::string line;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 == line.size()) {
      return Status::Corruption(fmt::format("{}:{}: expected record_id<TAB>persona_id", path, line_no));
    }
    if (line.rfind("#next\t", 0) == 0) {
      map.next_ = std::max<uint64_t>(1, std::strtoull(line.c_str() + tab + 1, nullptr, 10));
      continue;
    }
    map.ids_[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return map;
}

Status PersonaIdMap::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::IOError("cannot write persona id map: " + tmp);
    out << "#next\t" << next_ << "\n";
    std::vector<std::pair<std::string, std::string>> rows(ids_.begin(), ids_.end());
    std::sort(rows.begin(), rows.end());
    for (const auto& [rec, id] : rows) out << rec << '\t' << id << '\n';
    if (!out) return Status::IOError("cannot write persona id map: " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IOError("cannot replace persona id map: " + path);
  return Status::OK();
}

void PersonaIdMap::Remember(const std::string& record_id, const std::string& persona_id) {
  ids_[record_id] = persona_id;
  Reserve(persona_id);
}

void PersonaIdMap::Reserve(const std::string& persona_id) {
  const uint64_t n = IdNumber(persona_id);
  if (n != UINT64_MAX && n >= next_) next_ = n + 1;
}

std::string PersonaIdMap::NewId() { return fmt::format("persona-{:06d}", next_++); }

void PersonaIdMap::Assign(ResolutionResult& result) {
  const auto& people = *result.people;
  // Earlier id -> (persona index, members carrying it) for every persona.
  std::map<std::string, std::vector<std::pair<size_t, uint32_t>>> holders;
  std::vector<std::map<std::string, uint32_t>> previous(result.personas.size());
  for (size_t p = 0; p < result.personas.size(); ++p) {
    for (uint32_t r : result.personas[p].members) {
      auto it = ids_.find(people[r].record_id);
      if (it != ids_.end()) ++previous[p][it->second];
    }
    for (const auto& [id, count] : previous[p]) holders[id].push_back({p, count});
  }
  // Each earlier id goes to the persona holding most of its records (ties: first).
  std::map<std::string, size_t> owner;
  for (auto& [id, list] : holders) {
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    owner[id] = list.front().first;
  }
  for (size_t p = 0; p < result.personas.size(); ++p) {
    Persona& persona = result.personas[p];
    persona.merged_from.clear();
    persona.split_from.clear();
    std::vector<std::string> owned;
    for (const auto& [id, count] : previous[p]) {
      if (owner[id] == p) owned.push_back(id);
    }
    std::sort(owned.begin(), owned.end(),
              [](const std::string& a, const std::string& b) { return IdNumber(a) < IdNumber(b); });
    if (!owned.empty()) {
      persona.id = owned.front();
      persona.merged_from.assign(owned.begin() + 1, owned.end());
    } else {
      persona.id = NewId();
      if (!previous[p].empty()) persona.split_from = previous[p].begin()->first;
    }
    for (uint32_t r : persona.members) ids_[people[r].record_id] = persona.id;
  }
}

}  // namespace impostor
