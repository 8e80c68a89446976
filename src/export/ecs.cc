#include "export/ecs.h"

#include <algorithm>

#include "common/json_writer.h"
#include "common/strings.h"
#include "common/time.h"
#include "export/attack.h"
#include "export/finding_facts.h"
#include "export/ocsf_context.h"

namespace impostor {

namespace {

// event.category (ECS allowed values) per detector family.
std::vector<const char*> Categories(const std::string& family) {
  if (family == "signin" || family == "mfa") return {"authentication", "iam"};
  if (family == "endpoint" || family == "device") return {"host"};
  if (family == "farm") return {"network", "host"};
  return {"iam"};
}

void StringArray(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  w.Key(key);
  w.BeginArray();
  for (const std::string& s : v) w.String(s);
  w.EndArray();
}

}  // namespace

int EcsSeverity(Severity s) {
  switch (s) {
    case Severity::kUnknown: return 0;
    case Severity::kInformational: return 1;
    case Severity::kLow: return 21;
    case Severity::kMedium: return 47;
    case Severity::kHigh: return 73;
    case Severity::kCritical: return 99;
  }
  return 0;
}

std::string EcsDocument(const Finding& f, const EcsOptions& options) {
  const FindingFacts x = ExtractFindingFacts(f);
  const FindingStanding st = StandingOf(f, options.context, options.now_ms);
  const std::string family = DetectorFamily(f.detector);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("@timestamp", FormatIso8601(st.made));
  w.Field("message", f.explanation);
  w.Key("ecs");
  w.BeginObject();
  w.Field("version", options.ecs_version);
  w.EndObject();

  w.Key("event");
  w.BeginObject();
  w.Field("kind", "alert");
  w.Key("category");
  w.BeginArray();
  for (const char* c : Categories(family)) w.String(c);
  w.EndArray();
  w.Key("type");
  w.BeginArray();
  w.String("info");
  w.EndArray();
  w.Field("id", f.key);
  w.Field("code", f.detector);
  w.Field("dataset", "impostor.finding");
  w.Field("module", "impostor");
  w.Field("provider", "impostor");
  w.Field("severity", EcsSeverity(f.severity));
  // The risk model's score for risk findings; otherwise the severity number, so
  // every alert sorts on one 0-100 scale.
  const double risk = x.risk_score >= 0 ? x.risk_score : EcsSeverity(f.severity);
  w.Field("risk_score", risk);
  w.Field("risk_score_norm", risk);
  w.Field("reason", f.explanation);
  if (f.first_seen > 0) w.Field("start", FormatIso8601(f.first_seen));
  if (f.last_seen > 0) w.Field("end", FormatIso8601(f.last_seen));
  if (f.first_seen > 0 && f.last_seen >= f.first_seen) w.Field("duration", (f.last_seen - f.first_seen) * 1000000);
  if (st.times != nullptr && st.times->created_ms > 0) w.Field("created", FormatIso8601(st.times->created_ms));
  w.EndObject();

  w.Key("rule");
  w.BeginObject();
  w.Field("id", f.detector);
  w.Field("name", f.title.empty() ? f.detector : f.title);
  w.Field("description", f.explanation);
  w.Field("category", family);
  w.Field("ruleset", "impostor");
  w.EndObject();

  w.Key("observer");
  w.BeginObject();
  w.Field("vendor", "impostor");
  w.Field("product", "impostor");
  w.Field("version", options.product_version);
  w.Field("type", "ids");
  w.EndObject();

  if (!x.account.empty() || !x.person_name.empty()) {
    w.Key("user");
    w.BeginObject();
    if (!x.account.empty()) {
      w.Field("name", x.account);
      const size_t at = x.account.find('@');
      if (at != std::string::npos) {
        w.Field("email", x.account);
        w.Field("domain", x.account.substr(at + 1));
      }
    }
    if (!x.person_name.empty()) w.Field("full_name", x.person_name);
    w.EndObject();
  }
  if (!st.tenant.empty()) {
    w.Key("organization");
    w.BeginObject();
    w.Field("name", st.tenant);
    w.EndObject();
  }
  if (!x.ip.empty()) {
    w.Key("source");
    w.BeginObject();
    w.Field("ip", x.ip);
    if ((x.lat && x.lon) || !x.city.empty() || !x.country.empty()) {
      w.Key("geo");
      w.BeginObject();
      if (x.lat && x.lon) {
        w.Key("location");
        w.BeginObject();
        w.Field("lat", *x.lat);
        w.Field("lon", *x.lon);
        w.EndObject();
      }
      if (!x.city.empty()) w.Field("city_name", x.city);
      if (!x.region.empty()) w.Field("region_name", x.region);
      if (x.country.size() == 2) w.Field("country_iso_code", x.country);
      else if (!x.country.empty()) w.Field("country_name", x.country);
      w.EndObject();
    }
    if (x.asn > 0 || !x.as_org.empty()) {
      w.Key("as");
      w.BeginObject();
      if (x.asn > 0) w.Field("number", x.asn);
      if (!x.as_org.empty()) {
        w.Key("organization");
        w.BeginObject();
        w.Field("name", x.as_org);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndObject();
  }
  if (!x.hostname.empty() || !x.device_id.empty()) {
    w.Key("host");
    w.BeginObject();
    w.Field("name", x.hostname.empty() ? x.device_id : x.hostname);
    if (!x.hostname.empty()) w.Field("hostname", x.hostname);
    if (!x.device_id.empty()) w.Field("id", x.device_id);
    w.EndObject();
  }
  if (const auto& attacks = AttackTechniquesOf(f.detector); !attacks.empty()) {
    std::vector<std::string> tids, tnames, trefs, aids, anames;
    for (const AttackTechnique& a : attacks) {
      tids.emplace_back(a.technique_uid);
      tnames.emplace_back(a.technique_name);
      trefs.push_back(std::string("https://attack.mitre.org/techniques/") + a.technique_uid + "/");
      if (std::find(aids.begin(), aids.end(), a.tactic_uid) == aids.end()) {
        aids.emplace_back(a.tactic_uid);
        anames.emplace_back(a.tactic_name);
      }
    }
    w.Key("threat");
    w.BeginObject();
    w.Field("framework", "MITRE ATT&CK");
    w.Key("technique");
    w.BeginObject();
    StringArray(w, "id", tids);
    StringArray(w, "name", tnames);
    StringArray(w, "reference", trefs);
    w.EndObject();
    w.Key("tactic");
    w.BeginObject();
    StringArray(w, "id", aids);
    StringArray(w, "name", anames);
    w.EndObject();
    w.EndObject();
  }
  {
    std::vector<std::string> users;
    if (!x.account.empty()) users.push_back(x.account);
    for (const std::string& r : x.related_accounts)
      if (std::find(users.begin(), users.end(), r) == users.end()) users.push_back(r);
    if (!users.empty() || !x.ips.empty() || !x.hostnames.empty()) {
      w.Key("related");
      w.BeginObject();
      StringArray(w, "user", users);
      StringArray(w, "ip", x.ips);
      StringArray(w, "hosts", x.hostnames);
      w.EndObject();
    }
  }
  // labels: keyword values for what ECS has no field for.
  w.Key("labels");
  w.BeginObject();
  w.Field("entity_type", f.entity_type);
  w.Field("entity", f.entity);
  w.Field("occurrences", std::to_string(f.count));
  w.Field("confidence", std::to_string(ConfidencePercent(f.confidence)));
  if (st.verdict != nullptr) w.Field("verdict", VerdictKindName(st.verdict->kind));
  if (!x.data_sources.empty()) w.Field("data_sources", JoinStrings(x.data_sources, ","));
  w.EndObject();
  std::vector<std::string> tags = {f.detector};
  if (st.verdict != nullptr) tags.emplace_back(VerdictKindName(st.verdict->kind));
  StringArray(w, "tags", tags);
  w.EndObject();
  return out;
}

}  // namespace impostor
