#include "sim/eval.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/json_writer.h"
#include "common/strings.h"

namespace impostor {

namespace {

using JsonResult = simdjson::simdjson_result<simdjson::dom::element>;

std::string GetString(JsonResult e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return "";
}

TimeMs GetTime(JsonResult e, const char* key) {
  simdjson::dom::element v;
  if (e[key].get(v) != simdjson::SUCCESS) return 0;
  int64_t n;
  if (v.get_int64().get(n) == simdjson::SUCCESS) return n;
  double d;
  if (v.get_double().get(d) == simdjson::SUCCESS) return static_cast<TimeMs>(d);
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) {
    auto t = ParseTimestamp(s);
    return t ? *t : 0;
  }
  return 0;
}

std::vector<std::string> GetStrings(JsonResult e, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array arr;
  if (e[key].get_array().get(arr) != simdjson::SUCCESS) return out;
  for (auto x : arr) {
    std::string_view s;
    if (x.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

std::string GetString(const simdjson::dom::element& e, const char* key) {
  return GetString(JsonResult(simdjson::dom::element(e)), key);
}
TimeMs GetTime(const simdjson::dom::element& e, const char* key) {
  return GetTime(JsonResult(simdjson::dom::element(e)), key);
}
std::vector<std::string> GetStrings(const simdjson::dom::element& e, const char* key) {
  return GetStrings(JsonResult(simdjson::dom::element(e)), key);
}

}  // namespace

Result<EvalTruth> LoadEvalTruth(const std::string& world_dir) {
  const std::string path = world_dir + "/truth.json";
  simdjson::dom::parser parser;
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS) {
    return Status::NotFound("cannot read " + path + " (is " + world_dir + " a world written by `impostor simulate`?)");
  }
  simdjson::dom::element doc;
  if (auto err = parser.parse(text).get(doc); err != simdjson::SUCCESS) {
    return Status::Corruption(path + ": not valid JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::array accounts;
  if (doc["accounts"].get_array().get(accounts) != simdjson::SUCCESS) {
    return Status::Corruption(path + ": no \"accounts\" array");
  }
  EvalTruth t;
  for (auto a : accounts) {
    std::string upn = AsciiLower(GetString(a, "account"));
    if (upn.empty()) return Status::Corruption(path + ": an account has no \"account\"");
    EvalTruth::Account acc;
    acc.org = GetString(a, "org");
    acc.fraud = GetString(a, "label") == "fraud";
    acc.hired = GetTime(a, "hired");
    acc.lookalikes = GetStrings(a, "lookalikes");
    simdjson::dom::element scheme;
    if (a["scheme"].get(scheme) == simdjson::SUCCESS) {
      acc.farm = GetString(scheme, "farm");
      acc.op = GetString(scheme, "operator");
      acc.persona = GetString(scheme, "persona");
    }
    for (const std::string& r : GetStrings(a, "records")) {
      t.record_account[r] = upn;
      if (acc.fraud && !acc.persona.empty()) t.record_persona[r] = acc.persona;
    }
    for (const std::string& d : GetStrings(a, "devices")) t.device_account[d] = upn;
    t.accounts[upn] = std::move(acc);
  }
  simdjson::dom::array arr;
  if (doc["devices"].get_array().get(arr) == simdjson::SUCCESS) {
    for (auto d : arr) {
      std::string upn = AsciiLower(GetString(d, "account"));
      std::string id = GetString(d, "id");
      std::string host = GetString(d, "hostname");
      t.device_account[id] = upn;
      if (GetString(d, "kind") == "laptop") {
        t.device_account[host] = upn;
        if (GetString(d, "label") == "fraud") t.fraud_devices.insert(id);
      }
    }
  }
  auto groups = [&](const char* key, std::vector<EvalTruth::Group>* out) {
    simdjson::dom::array g;
    if (doc[key].get_array().get(g) != simdjson::SUCCESS) return;
    for (auto x : g) {
      EvalTruth::Group grp;
      grp.id = GetString(x, "id");
      for (const std::string& a : GetStrings(x, "accounts")) grp.accounts.push_back(AsciiLower(a));
      if (std::string(key) == "farms") {
        std::string ip = GetString(x, "ip");
        if (!ip.empty()) t.ip_farm[ip] = grp.id;
      }
      if (std::string(key) == "personas") {
        for (const std::string& r : GetStrings(x, "records")) t.record_persona[r] = grp.id;
      }
      out->push_back(std::move(grp));
    }
  };
  groups("farms", &t.farms);
  groups("operators", &t.operators);
  groups("personas", &t.personas);
  simdjson::dom::array legs;
  if (doc["events"]["impossible_legs"].get_array().get(legs) == simdjson::SUCCESS) {
    for (auto l : legs) {
      EvalTruth::Leg leg;
      leg.account = AsciiLower(GetString(l, "account"));
      leg.t1 = GetTime(l, "t1");
      leg.t2 = GetTime(l, "t2");
      leg.fraud = GetString(l, "label") == "fraud";
      t.legs.push_back(std::move(leg));
    }
  }
  return t;
}

Result<std::vector<Finding>> ReadFindingsFile(const std::string& path, uint64_t* rejected,
                                              std::vector<std::string>* reasons) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open findings file " + path);
  simdjson::dom::parser parser;
  std::vector<Finding> out;
  std::string line;
  uint64_t n = 0;
  auto reject = [&](const std::string& why) {
    ++*rejected;
    if (reasons->size() < 10) reasons->push_back(path + ":" + std::to_string(n) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS || !e.is_object()) {
      reject("not a JSON object");
      continue;
    }
    Finding f;
    simdjson::dom::element info;
    if (e["finding_info"].get(info) == simdjson::SUCCESS) {  // OCSF Detection Finding
      f.detector = GetString(info["analytic"], "name");
      if (f.detector.empty()) {
        auto types = GetStrings(info, "types");
        if (!types.empty()) f.detector = types[0];
      }
      f.key = GetString(info, "uid");
      simdjson::dom::element res;
      if (e["resources"].at(0).get(res) == simdjson::SUCCESS) {
        f.entity = GetString(res, "uid");
        f.entity_type = GetString(res, "type");
      }
      if (f.entity.empty()) f.entity = GetString(e["unmapped"], "entity");
      int64_t sev = 0;
      if (e["severity_id"].get_int64().get(sev) == simdjson::SUCCESS) f.severity = static_cast<Severity>(std::clamp<int64_t>(sev, 0, 5));
      int64_t score = 50;
      if (e["confidence_score"].get_int64().get(score) == simdjson::SUCCESS) f.confidence = score / 100.0;
      f.first_seen = GetTime(e, "start_time");
      f.last_seen = GetTime(e, "end_time");
      if (f.first_seen == 0) f.first_seen = GetTime(info, "first_seen_time");
      if (f.last_seen == 0) f.last_seen = GetTime(info, "last_seen_time");
      f.related = GetStrings(e["unmapped"], "related_entities");
      f.org = GetString(e["metadata"], "tenant_uid");
    } else {  // native form
      f.detector = GetString(e, "detector");
      f.entity_type = GetString(e, "entity_type");
      f.entity = GetString(e, "entity");
      f.org = GetString(e, "org");
      simdjson::dom::element sev;
      if (e["severity"].get(sev) == simdjson::SUCCESS) {
        int64_t v;
        std::string_view s;
        if (sev.get_int64().get(v) == simdjson::SUCCESS) f.severity = static_cast<Severity>(std::clamp<int64_t>(v, 0, 5));
        else if (sev.get_string().get(s) == simdjson::SUCCESS) f.severity = SeverityFromName(std::string(s));
      }
      double c;
      if (e["confidence"].get_double().get(c) == simdjson::SUCCESS) f.confidence = c;
      f.first_seen = GetTime(e, "first_seen");
      f.last_seen = GetTime(e, "last_seen");
      f.related = GetStrings(e, "related");
    }
    if (f.detector.empty() || f.entity.empty()) {
      reject("no detector or entity");
      continue;
    }
    if (f.last_seen < f.first_seen) f.last_seen = f.first_seen;
    out.push_back(std::move(f));
  }
  return out;
}

std::string DetectorLevel(const std::string& detector, const std::string& entity_type) {
  if (detector == "signin.impossible_travel") return "event";
  if (detector.rfind("signin.", 0) == 0) return "account";
  if (detector.rfind("endpoint.", 0) == 0) return "device";
  if (detector == "farm.colocation" || detector == "mfa.shared_factor" || detector == "payroll.shared_account") {
    return "cluster";
  }
  if (detector == "persona.reuse" || detector == "identity.rental" || detector == "photo.reuse") return "persona";
  if (entity_type == "device" || entity_type == "persona" || entity_type == "cluster") return entity_type;
  return "account";
}

namespace {

// The truth accounts a finding touches: its entity and related entities, each resolved
// as an account, a device, a people record or a farm IP.
std::vector<std::string> TouchedAccounts(const EvalTruth& t, const Finding& f, bool* resolved_any) {
  std::vector<std::string> out;
  *resolved_any = false;
  auto resolve = [&](const std::string& raw) {
    std::string low = AsciiLower(raw);
    if (t.accounts.count(low)) {
      out.push_back(low);
      *resolved_any = true;
      return;
    }
    if (auto it = t.device_account.find(raw); it != t.device_account.end()) {
      out.push_back(it->second);
      *resolved_any = true;
      return;
    }
    if (auto it = t.record_account.find(raw); it != t.record_account.end()) {
      out.push_back(it->second);
      *resolved_any = true;
      return;
    }
    if (auto it = t.ip_farm.find(raw); it != t.ip_farm.end()) {
      *resolved_any = true;
      for (const auto& fm : t.farms) {
        if (fm.id == it->second) out.insert(out.end(), fm.accounts.begin(), fm.accounts.end());
      }
      return;
    }
    if (t.record_persona.count(raw)) *resolved_any = true;  // application of a persona never hired
  };
  resolve(f.entity);
  for (const std::string& r : f.related) resolve(r);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Fraud share of the members of a cluster/persona finding; members that are persona
// records count as fraud.
bool MostlyFraud(const EvalTruth& t, const Finding& f, const std::vector<std::string>& accounts) {
  uint64_t fraud = 0, total = 0;
  for (const std::string& a : accounts) {
    ++total;
    if (t.accounts.at(a).fraud) ++fraud;
  }
  for (const std::string* m : {&f.entity}) {
    if (t.record_persona.count(*m) && !t.record_account.count(*m)) {
      ++total;
      ++fraud;
    }
  }
  for (const std::string& m : f.related) {
    if (t.record_persona.count(m) && !t.record_account.count(m)) {
      ++total;
      ++fraud;
    }
  }
  return total > 0 && 2 * fraud > total;
}

double Score(const Finding& f) { return static_cast<double>(f.severity) / 5.0 * std::clamp(f.confidence, 0.0, 1.0); }

void Finish(DetectorScore* d) {
  d->precision = (d->tp + d->fp) ? static_cast<double>(d->tp) / (d->tp + d->fp) : 0;
  d->recall = d->total ? static_cast<double>(d->found) / d->total : 0;
  d->f1 = (d->precision + d->recall) > 0 ? 2 * d->precision * d->recall / (d->precision + d->recall) : 0;
}

}  // namespace

EvalReport Evaluate(const EvalTruth& t, const std::vector<Finding>& findings,
                    const std::map<std::string, double>& model_scores) {
  EvalReport r;
  r.findings = findings.size();
  std::map<std::string, std::vector<const Finding*>> by_detector;
  std::map<std::string, double> account_score;
  std::map<std::string, TimeMs> first_finding;
  std::map<std::string, std::map<std::string, uint64_t>> account_detector_findings;
  for (const Finding& f : findings) {
    // Informational findings are context for the analyst, not detections: they
    // count towards an account's score but not towards a detector's precision.
    if (f.severity > Severity::kInformational) by_detector[f.detector].push_back(&f);
    bool resolved = false;
    auto touched = TouchedAccounts(t, f, &resolved);
    if (!resolved) ++r.unresolved_findings;
    for (const std::string& a : touched) {
      double& s = account_score[a];
      s = std::max(s, Score(f));
      auto [it, inserted] = first_finding.emplace(a, f.first_seen);
      if (!inserted) it->second = std::min(it->second, f.first_seen);
      ++account_detector_findings[a][f.detector];
    }
  }

  uint64_t n_fraud_accounts = 0;
  for (const auto& [upn, a] : t.accounts) n_fraud_accounts += a.fraud;

  for (const auto& [detector, list] : by_detector) {
    DetectorScore d;
    d.detector = detector;
    d.level = DetectorLevel(detector, list.front()->entity_type);
    d.findings = list.size();
    std::set<std::string> found;
    if (d.level == "event") {
      // A finding is right when it overlaps (within an hour) an impossible leg of a fraud account.
      std::map<std::string, std::vector<size_t>> legs_by_account;
      for (size_t i = 0; i < t.legs.size(); ++i) {
        if (t.legs[i].fraud) legs_by_account[t.legs[i].account].push_back(i);
      }
      for (const Finding* f : list) {
        bool resolved = false;
        auto touched = TouchedAccounts(t, *f, &resolved);
        bool hit = false;
        for (const std::string& a : touched) {
          auto it = legs_by_account.find(a);
          if (it == legs_by_account.end()) continue;
          for (size_t li : it->second) {
            const auto& leg = t.legs[li];
            if (f->first_seen <= leg.t2 + kMsPerHour && f->last_seen + kMsPerHour >= leg.t1) {
              hit = true;
              found.insert(std::to_string(li));
            }
          }
        }
        (hit ? d.tp : d.fp) += 1;
      }
      for (const auto& leg : t.legs) d.total += leg.fraud;
    } else if (d.level == "device") {
      for (const Finding* f : list) {
        auto it = t.device_account.find(f->entity);
        bool fraud = it != t.device_account.end() && t.accounts.count(it->second) && t.accounts.at(it->second).fraud;
        if (!fraud) {
          bool resolved = false;
          auto touched = TouchedAccounts(t, *f, &resolved);
          fraud = !touched.empty() && MostlyFraud(t, *f, touched);
        }
        (fraud ? d.tp : d.fp) += 1;
        if (fraud) found.insert(it != t.device_account.end() ? it->second : f->entity);
      }
      d.total = t.fraud_devices.size();
    } else if (d.level == "cluster" || d.level == "persona") {
      const std::vector<EvalTruth::Group>* groups = &t.personas;
      if (d.level == "cluster") groups = detector == "mfa.shared_factor" ? &t.operators : &t.farms;
      std::map<std::string, std::string> account_group;
      for (const auto& g : *groups) {
        for (const std::string& a : g.accounts) account_group.emplace(a, g.id);
      }
      for (const Finding* f : list) {
        bool resolved = false;
        auto touched = TouchedAccounts(t, *f, &resolved);
        bool ok = MostlyFraud(t, *f, touched);
        (ok ? d.tp : d.fp) += 1;
        if (!ok) continue;
        for (const std::string& a : touched) {
          if (auto it = account_group.find(a); it != account_group.end()) found.insert(it->second);
        }
        if (d.level == "persona") {
          for (const std::string* m : {&f->entity}) {
            if (auto it = t.record_persona.find(*m); it != t.record_persona.end()) found.insert(it->second);
          }
          for (const std::string& m : f->related) {
            if (auto it = t.record_persona.find(m); it != t.record_persona.end()) found.insert(it->second);
          }
        }
      }
      d.total = groups->size();
    } else {  // account
      std::set<std::string> flagged;
      for (const Finding* f : list) {
        bool resolved = false;
        for (const std::string& a : TouchedAccounts(t, *f, &resolved)) flagged.insert(a);
      }
      for (const std::string& a : flagged) {
        if (t.accounts.at(a).fraud) {
          ++d.tp;
          found.insert(a);
        } else {
          ++d.fp;
        }
      }
      d.total = n_fraud_accounts;
    }
    d.found = found.size();
    Finish(&d);
    r.detectors.push_back(std::move(d));
  }

  // Ranking over all accounts.
  struct Item {
    double score;
    bool fraud;
    const std::string* account;
  };
  std::vector<Item> items;
  items.reserve(t.accounts.size());
  r.ranking.model_scores = !model_scores.empty();
  for (const auto& [upn, a] : t.accounts) {
    double s = 0;
    if (!model_scores.empty()) {
      auto it = model_scores.find(upn);
      s = it == model_scores.end() ? 0 : it->second;
    } else if (auto it = account_score.find(upn); it != account_score.end()) {
      s = it->second;
    }
    items.push_back({s, a.fraud, &upn});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& x, const Item& y) { return x.score > y.score; });
  RankingScore& rk = r.ranking;
  rk.accounts = items.size();
  rk.fraud = n_fraud_accounts;
  rk.k = n_fraud_accounts;
  const uint64_t n_pos = rk.fraud, n_neg = rk.accounts - rk.fraud;
  if (n_pos > 0 && n_neg > 0) {
    // Walk groups of equal score: precision at k (ties shared proportionally), ROC and PR curves.
    uint64_t tp = 0, fp = 0;
    double auc = 0, ap = 0, pk = 0;
    size_t i = 0;
    while (i < items.size()) {
      size_t j = i;
      uint64_t gp = 0, gn = 0;
      while (j < items.size() && items[j].score == items[i].score) {
        (items[j].fraud ? gp : gn) += 1;
        ++j;
      }
      bool zero = items[i].score <= 0;
      // k falls inside or after this group.
      if (i < rk.k) {
        uint64_t take = std::min<uint64_t>(j, rk.k) - i;
        pk += static_cast<double>(take) * gp / (gp + gn);
      }
      auc += static_cast<double>(gn) * (tp + gp / 2.0);  // negatives in group vs positives above (+ half ties)
      if (!zero) {
        uint64_t tp2 = tp + gp, fp2 = fp + gn;
        ap += (static_cast<double>(gp) / n_pos) * (static_cast<double>(tp2) / (tp2 + fp2));
        if (static_cast<double>(fp2) / n_neg <= 0.01) rk.recall_at_1pct_fpr = static_cast<double>(tp2) / n_pos;
      }
      tp += gp;
      fp += gn;
      i = j;
    }
    rk.precision_at_k = pk / rk.k;
    rk.roc_auc = auc / (static_cast<double>(n_pos) * n_neg);
    rk.pr_auc = ap;
  }

  // Days from hire to the first finding, for fraud accounts.
  std::vector<double> days;
  for (const auto& [upn, a] : t.accounts) {
    if (!a.fraud) continue;
    ++r.fraud_accounts;
    auto it = first_finding.find(upn);
    if (it == first_finding.end()) continue;
    ++r.fraud_detected;
    days.push_back(std::max(0.0, static_cast<double>(it->second - a.hired) / kMsPerDay));
  }
  if (!days.empty()) {
    std::sort(days.begin(), days.end());
    size_t m = days.size() / 2;
    r.days_to_first_median = days.size() % 2 ? days[m] : (days[m - 1] + days[m]) / 2;
    r.days_to_first_p90 = days[std::min(days.size() - 1, static_cast<size_t>(days.size() * 0.9))];
    double sum = 0;
    for (double d : days) sum += d;
    r.days_to_first_mean = sum / days.size();
  }

  // Findings on honest look-alikes, by kind.
  std::map<std::string, LookalikeScore> lk;
  for (const auto& [upn, a] : t.accounts) {
    if (a.fraud) continue;
    for (const std::string& kind : a.lookalikes) {
      LookalikeScore& s = lk[kind];
      s.kind = kind;
      ++s.accounts;
      auto it = account_detector_findings.find(upn);
      if (it == account_detector_findings.end()) continue;
      ++s.flagged_accounts;
      for (const auto& [det, n] : it->second) s.findings_by_detector[det] += n;
    }
  }
  for (auto& [kind, s] : lk) r.lookalikes.push_back(std::move(s));
  return r;
}

std::string FormatEvalText(const EvalReport& r) {
  std::string o;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-28s %-8s %8s %7s %7s %9s %9s %6s\n", "detector", "level", "findings", "tp", "fp",
                "precision", "recall", "f1");
  o += buf;
  o += std::string(88, '-') + "\n";
  for (const DetectorScore& d : r.detectors) {
    std::snprintf(buf, sizeof buf, "%-28s %-8s %8llu %7llu %7llu %9.3f %5llu/%-4llu %6.3f\n", d.detector.c_str(),
                  d.level.c_str(), static_cast<unsigned long long>(d.findings), static_cast<unsigned long long>(d.tp),
                  static_cast<unsigned long long>(d.fp), d.precision, static_cast<unsigned long long>(d.found),
                  static_cast<unsigned long long>(d.total), d.f1);
    o += buf;
  }
  if (r.detectors.empty()) o += "(no findings)\n";
  const RankingScore& k = r.ranking;
  std::snprintf(buf, sizeof buf,
                "\nper-account ranking (%s): %llu accounts, %llu fraud\n"
                "  precision@%llu %.3f   recall@1%%FPR %.3f   ROC AUC %.3f   PR AUC %.3f\n",
                k.model_scores ? "model score" : "max severity x confidence", static_cast<unsigned long long>(k.accounts),
                static_cast<unsigned long long>(k.fraud), static_cast<unsigned long long>(k.k), k.precision_at_k,
                k.recall_at_1pct_fpr, k.roc_auc, k.pr_auc);
  o += buf;
  std::snprintf(buf, sizeof buf, "fraud accounts with a finding: %llu/%llu", static_cast<unsigned long long>(r.fraud_detected),
                static_cast<unsigned long long>(r.fraud_accounts));
  o += buf;
  if (r.days_to_first_median >= 0) {
    std::snprintf(buf, sizeof buf, "; days from hire to first finding: median %.1f, p90 %.1f, mean %.1f",
                  r.days_to_first_median, r.days_to_first_p90, r.days_to_first_mean);
    o += buf;
  }
  o += "\n\nhonest look-alikes (legit accounts):\n";
  std::snprintf(buf, sizeof buf, "  %-22s %8s %8s  %s\n", "kind", "accounts", "flagged", "findings by detector");
  o += buf;
  for (const LookalikeScore& s : r.lookalikes) {
    std::string dets;
    for (const auto& [d, n] : s.findings_by_detector) dets += (dets.empty() ? "" : ", ") + d + " " + std::to_string(n);
    std::snprintf(buf, sizeof buf, "  %-22s %8llu %8llu  ", s.kind.c_str(), static_cast<unsigned long long>(s.accounts),
                  static_cast<unsigned long long>(s.flagged_accounts));
    o += buf;
    o += dets.empty() ? "-" : dets;
    o += "\n";
  }
  if (r.unresolved_findings) {
    o += "\n" + std::to_string(r.unresolved_findings) + " of " + std::to_string(r.findings) +
         " findings name no entity of the truth (not counted for accounts)\n";
  }
  return o;
}

std::string EvalReportJson(const EvalReport& r) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("findings", static_cast<uint64_t>(r.findings));
  w.Field("unresolved_findings", static_cast<uint64_t>(r.unresolved_findings));
  w.Key("detectors");
  w.BeginArray();
  for (const DetectorScore& d : r.detectors) {
    w.BeginObject();
    w.Field("detector", d.detector);
    w.Field("level", d.level);
    w.Field("findings", static_cast<uint64_t>(d.findings));
    w.Field("tp", static_cast<uint64_t>(d.tp));
    w.Field("fp", static_cast<uint64_t>(d.fp));
    w.Field("found", static_cast<uint64_t>(d.found));
    w.Field("total", static_cast<uint64_t>(d.total));
    w.Field("precision", d.precision);
    w.Field("recall", d.recall);
    w.Field("f1", d.f1);
    w.EndObject();
  }
  w.EndArray();
  w.Key("ranking");
  w.BeginObject();
  w.Field("score", r.ranking.model_scores ? "model" : "max_severity_x_confidence");
  w.Field("accounts", static_cast<uint64_t>(r.ranking.accounts));
  w.Field("fraud", static_cast<uint64_t>(r.ranking.fraud));
  w.Field("k", static_cast<uint64_t>(r.ranking.k));
  w.Field("precision_at_k", r.ranking.precision_at_k);
  w.Field("recall_at_1pct_fpr", r.ranking.recall_at_1pct_fpr);
  w.Field("roc_auc", r.ranking.roc_auc);
  w.Field("pr_auc", r.ranking.pr_auc);
  w.EndObject();
  w.Key("time_to_detect");
  w.BeginObject();
  w.Field("fraud_accounts", static_cast<uint64_t>(r.fraud_accounts));
  w.Field("detected", static_cast<uint64_t>(r.fraud_detected));
  auto opt = [&](const char* k, double v) {
    w.Key(k);
    if (v < 0) w.Null();
    else w.Double(v);
  };
  opt("days_from_hire_median", r.days_to_first_median);
  opt("days_from_hire_p90", r.days_to_first_p90);
  opt("days_from_hire_mean", r.days_to_first_mean);
  w.EndObject();
  w.Key("lookalikes");
  w.BeginArray();
  for (const LookalikeScore& s : r.lookalikes) {
    w.BeginObject();
    w.Field("kind", s.kind);
    w.Field("accounts", static_cast<uint64_t>(s.accounts));
    w.Field("flagged_accounts", static_cast<uint64_t>(s.flagged_accounts));
    w.Key("findings_by_detector");
    w.BeginObject();
    for (const auto& [d, n] : s.findings_by_detector) w.Field(d, static_cast<uint64_t>(n));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace impostor
