#include "serve/views.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "common/time.h"

namespace impostor {

namespace {

void WriteTime(JsonWriter& w, std::string_view key, TimeMs t) {
  w.Key(key);
  if (t == 0) {
    w.Null();
  } else {
    w.String(FormatIso8601(t));
  }
}

// A JSON object's text field, "" when absent or not a string.
std::string StringField(simdjson::dom::element obj, std::string_view key) {
  std::string_view v;
  if (obj[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

// The evidence of `findings` of one kind whose `field` equals `value` (all of
// that kind when `field` is empty), each once (by `identity`), as raw JSON with
// the finding that holds it.
struct EvidenceHit {
  std::string json;
  std::string finding_key;
  std::string sort_key;
};

std::vector<EvidenceHit> CollectEvidence(const std::vector<FindingRow>& findings, std::string_view kind,
                                         std::string_view field, const std::string& value,
                                         std::initializer_list<std::string_view> identity,
                                         std::string_view sort_field) {
  simdjson::dom::parser parser;
  std::set<std::string> seen;
  std::vector<EvidenceHit> out;
  for (const FindingRow& row : findings) {
    for (const Evidence& e : row.finding.evidence) {
      if (e.kind != kind) continue;
      simdjson::dom::element obj;
      if (parser.parse(e.json).get(obj) != simdjson::SUCCESS || !obj.is_object()) continue;
      if (!field.empty() && StringField(obj, field) != value) continue;
      std::string id;
      for (std::string_view f : identity) id += StringField(obj, f) + '\x1f';
      if (!seen.insert(id).second) continue;
      out.push_back({e.json, row.finding.key, StringField(obj, sort_field)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const EvidenceHit& a, const EvidenceHit& b) { return a.sort_key < b.sort_key; });
  return out;
}

void WriteEvidenceList(JsonWriter& w, std::string_view key, const std::vector<EvidenceHit>& hits) {
  w.Key(key);
  w.BeginArray();
  for (const EvidenceHit& h : hits) {
    w.BeginObject();
    w.Key("record");
    w.Raw(h.json);
    w.Field("finding", h.finding_key);
    w.EndObject();
  }
  w.EndArray();
}

const FindingRow* RiskFinding(const std::vector<FindingRow>& findings, const std::string& entity) {
  for (const FindingRow& r : findings) {
    if (IsRiskFinding(r.finding) && r.finding.entity == entity) return &r;
  }
  return nullptr;
}

void WriteRisk(JsonWriter& w, const FindingRow* risk) {
  w.Key("risk");
  if (risk == nullptr) {
    w.Null();
    return;
  }
  w.BeginObject();
  w.Field("finding", risk->finding.key);
  w.Field("severity", SeverityName(risk->finding.severity));
  if (auto score = RiskScoreOf(risk->finding)) w.Field("score", *score);
  // The model's attributes: score, probability and the contributions (feature,
  // log-odds) that explain it.
  w.Key("model");
  w.Raw(risk->finding.attributes_json.empty() ? "{}" : risk->finding.attributes_json);
  w.EndObject();
}

void WriteFindingList(JsonWriter& w, const std::vector<FindingRow>& findings) {
  w.Key("findings");
  w.BeginArray();
  for (const FindingRow& r : findings) WriteFindingJson(w, r, false);
  w.EndArray();
}

void WriteStrings(JsonWriter& w, std::string_view key, const std::set<std::string>& values) {
  w.Key(key);
  w.BeginArray();
  for (const std::string& v : values) w.String(v);
  w.EndArray();
}

// Every string of an attributes array field across findings (shared_identifiers,
// tools, organisations, members).
std::set<std::string> AttributeStrings(const std::vector<FindingRow>& findings, std::string_view field) {
  simdjson::dom::parser parser;
  std::set<std::string> out;
  for (const FindingRow& r : findings) {
    simdjson::dom::element obj;
    if (parser.parse(r.finding.attributes_json).get(obj) != simdjson::SUCCESS) continue;
    simdjson::dom::array arr;
    if (obj[field].get_array().get(arr) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element v : arr) {
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS) out.emplace(s);
    }
  }
  return out;
}

}  // namespace

void WriteFindingJson(JsonWriter& w, const FindingRow& row, bool full) {
  const Finding& f = row.finding;
  w.BeginObject();
  w.Field("key", f.key);
  w.Field("detector", f.detector);
  w.Field("entity_type", f.entity_type);
  w.Field("entity", f.entity);
  w.Field("organisation", f.org);
  w.Field("severity", SeverityName(f.severity));
  w.Field("severity_id", static_cast<int>(f.severity));
  w.Field("confidence", ConfidencePercent(f.confidence));
  WriteTime(w, "first_seen", f.first_seen);
  WriteTime(w, "last_seen", f.last_seen);
  w.Field("count", f.count);
  w.Field("title", f.title);
  w.Field("explanation", f.explanation);
  w.Field("status", row.status);
  WriteTime(w, "created", row.times.created_ms);
  WriteTime(w, "updated", row.times.updated_ms);
  w.Key("attributes");
  w.Raw(f.attributes_json.empty() ? "{}" : f.attributes_json);
  w.Key("related");
  w.BeginArray();
  for (const std::string& r : f.related) w.String(r);
  w.EndArray();
  if (full) {
    w.Key("evidence");
    w.BeginArray();
    for (const Evidence& e : f.evidence) {
      w.BeginObject();
      w.Field("kind", e.kind);
      w.Key("data");
      w.Raw(e.json);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

std::string AccountViewJson(const std::string& account, const std::vector<FindingRow>& findings) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("account", account);
  WriteRisk(w, RiskFinding(findings, account));
  WriteFindingList(w, findings);
  // The sign-ins the evidence holds, in time order, each once.
  WriteEvidenceList(w, "timeline",
                    CollectEvidence(findings, "signin", "account", account, {"time", "ip", "app"}, "time"));
  // Travel legs: each impossible-travel finding's pair of sign-ins and its measures.
  w.Key("travel_legs");
  w.BeginArray();
  for (const FindingRow& r : findings) {
    if (r.finding.detector != "signin.impossible_travel" || r.finding.entity != account) continue;
    std::vector<const Evidence*> signins;
    for (const Evidence& e : r.finding.evidence)
      if (e.kind == "signin") signins.push_back(&e);
    for (size_t i = 0; i + 1 < signins.size(); i += 2) {
      w.BeginObject();
      w.Field("finding", r.finding.key);
      w.Key("from");
      w.Raw(signins[i]->json);
      w.Key("to");
      w.Raw(signins[i + 1]->json);
      if (i == 0) {
        w.Key("measures");
        w.Raw(r.finding.attributes_json.empty() ? "{}" : r.finding.attributes_json);
      }
      w.EndObject();
    }
  }
  w.EndArray();
  WriteEvidenceList(w, "devices",
                    CollectEvidence(findings, "device", "user", account, {"device_id", "serial", "hostname"}, "time"));
  WriteEvidenceList(w, "people", CollectEvidence(findings, "person", "user", account, {"record_id"}, "record_id"));
  std::set<std::string> personas;
  for (const FindingRow& r : findings)
    if (r.finding.entity_type == "persona") personas.insert(r.finding.entity);
  WriteStrings(w, "personas", personas);
  w.EndObject();
  return out;
}

std::string PersonaViewJson(const std::string& persona, const std::vector<FindingRow>& findings,
                            const std::vector<std::string>& state_members) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("persona", persona);
  WriteRisk(w, RiskFinding(findings, persona));
  std::set<std::string> members(state_members.begin(), state_members.end());
  for (const FindingRow& r : findings)
    if (r.finding.entity == persona) members.insert(r.finding.related.begin(), r.finding.related.end());
  WriteStrings(w, "members", members);
  WriteEvidenceList(w, "records", CollectEvidence(findings, "person", "", "", {"record_id"}, "record_id"));
  // Each detector that links the persona's records, with what it measured (the
  // shared identifiers, names and the like).
  w.Key("links");
  w.BeginArray();
  for (const FindingRow& r : findings) {
    if (r.finding.entity != persona || IsRiskFinding(r.finding)) continue;
    w.BeginObject();
    w.Field("detector", r.finding.detector);
    w.Field("finding", r.finding.key);
    w.Field("explanation", r.finding.explanation);
    w.Field("confidence", ConfidencePercent(r.finding.confidence));
    w.Key("measures");
    w.Raw(r.finding.attributes_json.empty() ? "{}" : r.finding.attributes_json);
    w.Key("records");
    w.BeginArray();
    for (const std::string& m : r.finding.related) w.String(m);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  WriteFindingList(w, findings);
  w.EndObject();
  return out;
}

std::string ClusterViewJson(const std::string& cluster, const std::vector<FindingRow>& findings) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("cluster", cluster);
  std::vector<FindingRow> own;
  std::set<std::string> members;
  for (const FindingRow& r : findings) {
    if (r.finding.entity != cluster) continue;
    own.push_back(r);
    members.insert(r.finding.related.begin(), r.finding.related.end());
  }
  for (const std::string& m : AttributeStrings(own, "members")) members.insert(m);
  WriteStrings(w, "members", members);
  WriteStrings(w, "organisations", AttributeStrings(own, "organisations"));
  WriteStrings(w, "shared_identifiers", AttributeStrings(own, "shared_identifiers"));
  WriteStrings(w, "tools", AttributeStrings(own, "tools"));
  WriteFindingList(w, findings);
  w.EndObject();
  return out;
}

void WriteCaseJson(JsonWriter& w, const Case& c, bool full) {
  w.BeginObject();
  w.Field("id", c.id);
  w.Field("title", c.title);
  w.Field("status", CaseStatusName(c.status));
  w.Field("assignee", c.assignee);
  w.Field("created_by", c.created_by);
  WriteTime(w, "created", c.created_ms);
  WriteTime(w, "updated", c.updated_ms);
  w.Field("version", c.version);
  if (full) {
    w.Key("items");
    w.BeginArray();
    for (const CaseItem& i : c.items) {
      w.BeginObject();
      w.Field("kind", i.kind);
      w.Field("ref", i.ref);
      w.EndObject();
    }
    w.EndArray();
    w.Key("comments");
    w.BeginArray();
    for (const CaseComment& m : c.comments) {
      w.BeginObject();
      w.Field("id", m.id);
      w.Field("author", m.author);
      WriteTime(w, "time", m.time_ms);
      w.Field("text", m.text);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteAuditJson(JsonWriter& w, const AuditEntry& e) {
  w.BeginObject();
  w.Field("seq", e.seq);
  WriteTime(w, "time", e.time_ms);
  w.Field("actor", e.actor);
  w.Field("source", e.source);
  w.Field("action", e.action);
  w.Field("object", e.object);
  w.Key("detail");
  w.Raw(e.detail.empty() ? "{}" : e.detail);
  w.Field("hash", e.hash);
  w.EndObject();
}

void WriteTokenJson(JsonWriter& w, const ApiToken& t) {
  w.BeginObject();
  w.Field("id", t.id);
  w.Field("name", t.name);
  w.Field("role", RoleName(t.role));
  WriteTime(w, "created", t.created_ms);
  WriteTime(w, "revoked", t.revoked_ms);
  w.EndObject();
}

}  // namespace impostor
