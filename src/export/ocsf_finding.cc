#include "export/ocsf_finding.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>

#include "common/json_writer.h"
#include "common/time.h"
#include "export/attack.h"
#include "export/ocsf_common.h"
#include "export/ocsf_context.h"

namespace impostor {

namespace {

constexpr int kCategoryFindings = 2;
constexpr int kClassDetectionFinding = 2004;
constexpr int kAnalyticTypeRule = 1;
constexpr int kStatusNew = 1;
constexpr int kStatusSuppressed = 3;  // dismissed by an analyst
constexpr int kStatusResolved = 4;    // confirmed by an analyst
// A sign-in evidence record's event is an OCSF Authentication: Logon.
constexpr int64_t kAuthenticationLogonTypeUid = 300201;

const char* ActivityName(FindingActivity a) {
  switch (a) {
    case FindingActivity::kCreate: return "Create";
    case FindingActivity::kUpdate: return "Update";
    case FindingActivity::kClose: return "Close";
  }
  return "Create";
}

const char* ConfidenceName(int id) {
  switch (id) {
    case 1: return "Low";
    case 2: return "Medium";
    case 3: return "High";
  }
  return "Unknown";
}

// FNV-1a: a stable event id from the finding key and its occurrence count, so the
// same export reproduces the same ids and every update gets a new one.
std::string EventUid(const Finding& f, FindingActivity activity) {
  OcsfIdHash h;
  h.Add(f.key);
  h.Add("#");
  h.Add(std::to_string(f.count));
  if (activity == FindingActivity::kClose) h.Add("#close");  // the closing event is an event of its own
  return h.Hex();
}

// Evidence keys that are OCSF `evidences` attributes; an evidence record that
// already carries them (as objects) has them promoted as they are.
constexpr std::string_view kEvidenceObjects[] = {"actor",    "api",          "connection_info", "container",
                                                 "database", "databucket",   "device",          "dst_endpoint",
                                                 "email",    "file",         "http_request",    "http_response",
                                                 "job",      "process",      "query",           "script",
                                                 "src_endpoint", "url",      "user"};

bool IsEvidenceObjectKey(std::string_view key) {
  for (std::string_view k : kEvidenceObjects) {
    if (k == key) return true;
  }
  return false;
}

// The OCSF location attributes a sign-in evidence location may carry.
constexpr std::string_view kLocationKeys[] = {"city", "region", "country", "lat", "long", "postal_code", "continent"};

std::string Minified(simdjson::dom::element e) { return simdjson::minify(e); }

// Writes one evidences[] item from a detector's evidence record: OCSF objects it
// already has are promoted, sign-in fields (account, ip, location, asn, as_org)
// become `user` and `src_endpoint`, and the whole record stays in `data`
// together with its kind, so nothing is lost.
void WriteEvidence(JsonWriter& w, const Evidence& ev, simdjson::dom::parser& parser) {
  w.BeginObject();
  simdjson::dom::object obj;
  if (parser.parse(ev.json).get_object().get(obj) != simdjson::SUCCESS) {
    w.Key("data");
    w.BeginObject();
    w.Field("kind", ev.kind);
    w.Field("text", ev.json);
    w.EndObject();
    w.EndObject();
    return;
  }
  bool has_user = false, has_src = false;
  for (auto field : obj) {
    if (IsEvidenceObjectKey(field.key) && field.value.is_object()) {
      w.RawField(field.key, Minified(field.value));
      has_user |= field.key == "user";
      has_src |= field.key == "src_endpoint";
    }
  }
  // A device observation is the OCSF device (its type unknown to the inventories:
  // type_id 0), with its assigned user as owner and the serial as hardware info.
  std::string_view device_id;
  if (ev.kind == "device" && obj["device_id"].get_string().get(device_id) == simdjson::SUCCESS && !device_id.empty()) {
    std::string_view text;
    w.Key("device");
    w.BeginObject();
    w.Field("uid", device_id);
    if (obj["hostname"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) w.Field("hostname", text);
    w.Field("type_id", 0);
    w.Field("type", "Unknown");
    if (obj["serial"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) {
      w.Key("hw_info");
      w.BeginObject();
      w.Field("serial_number", text);
      w.EndObject();
    }
    if (obj["user"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) {
      w.Key("owner");
      w.BeginObject();
      w.Field("name", text);
      if (text.find('@') != std::string_view::npos) w.Field("email_addr", text);
      w.EndObject();
    }
    w.EndObject();
  }
  // A people record is the OCSF user it claims to be: record id, claimed name, e-mail.
  std::string_view record_id;
  if (ev.kind == "person" && !has_user && obj["record_id"].get_string().get(record_id) == simdjson::SUCCESS) {
    std::string_view text;
    w.Key("user");
    w.BeginObject();
    w.Field("uid", record_id);
    if (obj["name"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) w.Field("full_name", text);
    if (obj["user"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) w.Field("name", text);
    if (obj["email"].get_string().get(text) == simdjson::SUCCESS && !text.empty()) w.Field("email_addr", text);
    w.EndObject();
    has_user = true;
  }
  std::string_view account, ip;
  if (!has_user && obj["account"].get_string().get(account) == simdjson::SUCCESS && !account.empty()) {
    w.Key("user");
    w.BeginObject();
    w.Field("name", account);
    if (account.find('@') != std::string_view::npos) w.Field("email_addr", account);
    w.EndObject();
  }
  if (!has_src && obj["ip"].get_string().get(ip) == simdjson::SUCCESS && !ip.empty()) {
    w.Key("src_endpoint");
    w.BeginObject();
    w.Field("ip", ip);
    simdjson::dom::object loc;
    if (obj["location"].get_object().get(loc) == simdjson::SUCCESS) {
      std::string location;
      JsonWriter lw(&location);
      lw.BeginObject();
      bool any = false;
      for (std::string_view key : kLocationKeys) {
        simdjson::dom::element v;
        if (loc[key].get(v) == simdjson::SUCCESS && (v.is_string() || v.is_number())) {
          std::string text(Minified(v));
          if ((key == "lat" || key == "long") && v.is_number()) MakeOcsfFloat(text);
          lw.RawField(key, text);
          any = true;
        }
      }
      std::string_view place;
      if (loc["place"].get_string().get(place) == simdjson::SUCCESS && !place.empty()) {
        lw.Field("desc", place);  // "Shenyang, CN" as the detector named it
        any = true;
      }
      lw.EndObject();
      if (any) w.RawField("location", location);
    }
    uint64_t asn = 0;
    std::string_view as_org;
    const bool has_asn = obj["asn"].get_uint64().get(asn) == simdjson::SUCCESS && asn > 0;
    const bool has_org = obj["as_org"].get_string().get(as_org) == simdjson::SUCCESS && !as_org.empty();
    if (has_asn || has_org) {
      w.Key("autonomous_system");
      w.BeginObject();
      if (has_asn) w.Field("number", asn);
      if (has_org) w.Field("name", as_org);
      w.EndObject();
    }
    w.EndObject();
  }
  w.Key("data");
  w.BeginObject();
  w.Field("kind", ev.kind);
  for (auto field : obj) {
    if (field.key == "kind") continue;
    w.RawField(field.key, Minified(field.value));
  }
  w.EndObject();
  w.EndObject();
}

}  // namespace

// ATT&CK (Enterprise v15) for what each detector sees: an outsider working
// through a valid account (T1078), from behind a proxy or VPN (T1090), driving
// the laptop with remote-access software (T1219) or an IP-KVM (T1200). Detectors
// of fabricated identities have no technique that fits and carry none.
const std::vector<AttackTechnique>& AttackTechniquesOf(const std::string& detector) {
  static const AttackTechnique kValid{"TA0001", "Initial Access", "T1078", "Valid Accounts"};
  static const AttackTechnique kProxy{"TA0011", "Command and Control", "T1090", "Proxy"};
  static const AttackTechnique kRemote{"TA0011", "Command and Control", "T1219", "Remote Access Software"};
  static const AttackTechnique kHardware{"TA0001", "Initial Access", "T1200", "Hardware Additions"};
  static const std::vector<AttackTechnique> kNone;
  static const std::vector<std::pair<std::string, std::vector<AttackTechnique>>> kMap = {
      {"signin.impossible_travel", {kValid}},      {"signin.atypical_location", {kValid}},
      {"signin.anonymizer", {kValid, kProxy}},     {"signin.sanctioned_space", {kValid}},
      {"signin.shared_egress", {kValid}},          {"signin.work_hours", {kValid}},
      {"endpoint.rmm_tools", {kRemote}},           {"endpoint.ip_kvm", {kHardware}},
      {"farm.colocation", {kValid, kRemote}},      {"mfa.shared_factor", {kValid}},
      {"risk.account", {kValid}},                  {"risk.persona", {kValid}},
  };
  for (const auto& [id, attacks] : kMap)
    if (id == detector) return attacks;
  return kNone;
}

int OcsfConfidenceId(double confidence) {
  if (!(confidence >= 0.5)) return 1;  // NaN counts as low
  if (confidence < 0.8) return 2;
  return 3;
}

void AppendOcsfFinding(const Finding& f, FindingActivity activity, const OcsfOptions& options, std::string* out) {
  thread_local simdjson::dom::parser parser;
  const int severity_id = static_cast<int>(f.severity);
  // The id follows the score as written (0.795 is 80, High), so the two never disagree.
  const int confidence_score = ConfidencePercent(f.confidence);
  const int confidence_id = OcsfConfidenceId(confidence_score / 100.0);
  const bool learned = IsRiskFinding(f);
  // What the observables and data sources need from each evidence record, read in
  // one pass (WriteEvidence reads each record once more for the evidence itself).
  struct EvidenceKeys {
    std::string ip, hostname, format, event_id;
  };
  std::vector<EvidenceKeys> keys;
  keys.reserve(f.evidence.size());
  for (const Evidence& ev : f.evidence) {
    EvidenceKeys k;
    simdjson::dom::object obj;
    std::string_view text;
    if (parser.parse(ev.json).get_object().get(obj) == simdjson::SUCCESS) {
      if (obj["ip"].get_string().get(text) == simdjson::SUCCESS) k.ip = text;
      if (obj["hostname"].get_string().get(text) == simdjson::SUCCESS) k.hostname = text;
      if (obj.at_pointer("/source/event_id").get_string().get(text) == simdjson::SUCCESS ||
          obj["event_id"].get_string().get(text) == simdjson::SUCCESS)
        k.event_id = text;
      if (obj.at_pointer("/source/format").get_string().get(text) == simdjson::SUCCESS ||
          obj["source_format"].get_string().get(text) == simdjson::SUCCESS)
        k.format = text;
    }
    keys.push_back(std::move(k));
  }

  // An analyst's verdict closes the finding (Suppressed when dismissed, Resolved when
  // confirmed); a repeat raised after the verdict is an Update that keeps its status.
  const FindingStanding st = StandingOf(f, options.context, options.now_ms);
  if (st.closed) activity = FindingActivity::kClose;
  const int activity_id = static_cast<int>(activity);
  // The host profile's top-level device (a device finding) and actor (an account
  // finding): what a SIEM pivots on first.
  const bool host_device = f.entity_type == "device" && !f.entity.empty();
  const bool host_actor = f.entity_type == "account" && !f.entity.empty();

  JsonWriter w(out);
  w.BeginObject();
  w.Field("activity_id", activity_id);
  w.Field("activity_name", ActivityName(activity));
  w.Field("category_uid", kCategoryFindings);
  w.Field("category_name", "Findings");
  w.Field("class_uid", kClassDetectionFinding);
  w.Field("class_name", "Detection Finding");
  w.Field("type_uid", int64_t{kClassDetectionFinding} * 100 + activity_id);
  w.Field("type_name", std::string("Detection Finding: ") + ActivityName(activity));
  // `time` is when the finding was made (see FindingStanding::made). Unknown start
  // and end times are omitted, never 0 (1970).
  w.Field("time", st.made);
  if (f.first_seen > 0) w.Field("start_time", f.first_seen);
  if (f.last_seen > 0) w.Field("end_time", f.last_seen);
  w.Field("count", f.count);
  w.Field("severity_id", severity_id);
  w.Field("severity", SeverityName(f.severity));
  w.Field("confidence_id", confidence_id);
  w.Field("confidence", ConfidenceName(confidence_id));
  w.Field("confidence_score", confidence_score);
  if (st.verdict != nullptr) {
    const bool confirmed = st.verdict->kind == VerdictKind::kConfirmed;
    w.Field("status_id", confirmed ? kStatusResolved : kStatusSuppressed);
    w.Field("status", confirmed ? "Resolved" : "Suppressed");
    std::string comment = std::string(confirmed ? "Confirmed" : "Dismissed") +
                          (st.verdict->analyst.empty() ? "" : " by " + st.verdict->analyst) + " at " +
                          FormatIso8601(st.verdict->time_ms);
    if (!st.verdict->note.empty()) comment += ": " + st.verdict->note;
    w.Field("comment", comment);
  } else {
    w.Field("status_id", kStatusNew);
    w.Field("status", "New");
  }
  w.Field("message", f.explanation);
  if (host_device) {
    w.Key("device");
    w.BeginObject();
    w.Field("uid", f.entity);
    for (const EvidenceKeys& k : keys) {
      if (!k.hostname.empty()) {
        w.Field("hostname", k.hostname);
        break;
      }
    }
    w.Field("type_id", 0);
    w.Field("type", "Unknown");
    w.EndObject();
  }
  if (host_actor) {
    w.Key("actor");
    w.BeginObject();
    w.Key("user");
    w.BeginObject();
    w.Field("name", f.entity);
    if (f.entity.find('@') != std::string::npos) w.Field("email_addr", f.entity);
    w.EndObject();
    w.EndObject();
  }
  // The risk model's score is OCSF's own risk_score (0-100) and risk level; the
  // probability and contributions stay in unmapped beside them.
  if (learned) {
    if (const std::optional<double> score = RiskScoreOf(f)) {
      const int risk = static_cast<int>(std::lround(std::clamp(*score, 0.0, 100.0)));
      const int level = risk >= 80 ? 4 : risk >= 60 ? 3 : risk >= 40 ? 2 : risk >= 20 ? 1 : 0;
      static const char* const kRiskLevel[] = {"Info", "Low", "Medium", "High", "Critical"};
      w.Field("risk_score", risk);
      w.Field("risk_level_id", level);
      w.Field("risk_level", kRiskLevel[level]);
      w.Field("risk_details", f.explanation);
    }
  }

  w.Key("finding_info");
  w.BeginObject();
  w.Field("uid", f.key);
  w.Field("title", f.title.empty() ? f.detector : f.title);
  w.Field("desc", f.explanation);
  w.Key("types");
  w.BeginArray();
  w.String(f.detector);
  w.EndArray();
  w.Key("analytic");
  w.BeginObject();
  w.Field("name", f.detector);
  w.Field("type_id", learned ? 4 : kAnalyticTypeRule);
  w.Field("type", learned ? "Learning (ML/DL)" : "Rule");
  w.Field("uid", f.detector);
  w.EndObject();
  if (f.first_seen > 0) w.Field("first_seen_time", f.first_seen);
  if (f.last_seen > 0) w.Field("last_seen_time", f.last_seen);
  // When the store first wrote this key and when it last changed it.
  if (st.times != nullptr && st.times->created_ms > 0) w.Field("created_time", st.times->created_ms);
  if (st.times != nullptr && st.times->updated_ms > 0) w.Field("modified_time", st.times->updated_ms);
  // The source events the finding rests on, by the log's own ids, so a SIEM joins
  // the finding to the raw sign-ins.
  {
    bool any = false;
    std::vector<const std::string*> ids;
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string& id = keys[i].event_id;
      if (id.empty() || std::any_of(ids.begin(), ids.end(), [&](const std::string* s) { return *s == id; })) continue;
      ids.push_back(&id);
      if (!any) {
        w.Key("related_events");
        w.BeginArray();
        any = true;
      }
      w.BeginObject();
      w.Field("uid", id);
      if (f.evidence[i].kind == "signin") {
        w.Field("type_uid", kAuthenticationLogonTypeUid);
        w.Field("type_name", "Authentication: Logon");
      }
      w.EndObject();
    }
    if (any) w.EndArray();
  }
  // MITRE ATT&CK techniques the detector's evidence points to.
  if (const std::vector<AttackTechnique>& attacks = AttackTechniquesOf(f.detector); !attacks.empty()) {
    w.Key("attacks");
    w.BeginArray();
    for (const AttackTechnique& a : attacks) {
      w.BeginObject();
      w.Key("tactic");
      w.BeginObject();
      w.Field("name", a.tactic_name);
      w.Field("uid", a.tactic_uid);
      w.EndObject();
      w.Key("technique");
      w.BeginObject();
      w.Field("name", a.technique_name);
      w.Field("uid", a.technique_uid);
      w.EndObject();
      w.Field("version", "15.1");
      w.EndObject();
    }
    w.EndArray();
  }
  // The input formats the evidence came from ("entra.graph", "osquery", "people.csv").
  {
    std::vector<std::string> sources;
    for (const EvidenceKeys& k : keys)
      if (!k.format.empty() && std::find(sources.begin(), sources.end(), k.format) == sources.end())
        sources.push_back(k.format);
    if (!sources.empty()) {
      w.Key("data_sources");
      w.BeginArray();
      for (const std::string& s : sources) w.String(s);
      w.EndArray();
    }
  }
  w.EndObject();

  // The finding's entity, then every account it relates (a device's account, a
  // farm's or persona's members), so a SIEM pivots on the account a device serves.
  w.Key("resources");
  w.BeginArray();
  auto resource = [&](const std::string& uid, const std::string& type) {
    w.BeginObject();
    w.Field("uid", uid);
    w.Field("name", uid);
    w.Field("type", type);
    if (type == "account") {
      w.Key("owner");
      w.BeginObject();
      w.Field("name", uid);
      if (uid.find('@') != std::string::npos) w.Field("email_addr", uid);
      w.EndObject();
    }
    w.EndObject();
  };
  resource(f.entity, f.entity_type);
  for (const std::string& r : f.related)
    if (r != f.entity && r.find('@') != std::string::npos) resource(r, "account");
  w.EndArray();

  // Observables: what a SIEM pivots on. The accounts (e-mail address or user name),
  // the finding's own address or entity, the sign-in addresses and device host
  // names of the evidence; each value once.
  {
    std::vector<std::pair<std::string, int>> seen;
    auto observable = [&](const char* name, int type_id, const std::string& value) {
      if (value.empty()) return;
      for (const auto& [v, t] : seen)
        if (v == value && t == type_id) return;
      if (seen.empty()) {
        w.Key("observables");
        w.BeginArray();
      }
      seen.emplace_back(value, type_id);
      static const char* const kTypes[] = {"Unknown", "Hostname", "IP Address", "MAC Address", "User Name",
                                           "Email Address", "URL String", "File Name", "Hash", "Process Name",
                                           "Resource UID"};
      w.BeginObject();
      w.Field("name", name);
      w.Field("type_id", type_id);
      w.Field("type", kTypes[type_id]);
      w.Field("value", value);
      w.EndObject();
    };
    auto account = [&](const std::string& a) {
      observable("resources.uid", a.find('@') != std::string::npos ? 5 : 4, a);
    };
    if (f.entity_type == "account") account(f.entity);
    else if (f.entity_type == "ip") observable("resources.uid", 2, f.entity);
    else observable("resources.uid", 10, f.entity);
    for (const std::string& r : f.related)
      if (r != f.entity && r.find('@') != std::string::npos) account(r);
    for (const EvidenceKeys& k : keys) {
      observable("evidences.src_endpoint.ip", 2, k.ip);
      observable("evidences.device.hostname", 1, k.hostname);
    }
    if (!seen.empty()) w.EndArray();
  }

  if (!f.evidence.empty()) {
    w.Key("evidences");
    w.BeginArray();
    // A record merged into a finding twice (a repeat of one key) is one evidence.
    std::vector<const std::string*> written;
    for (const Evidence& ev : f.evidence) {
      if (std::any_of(written.begin(), written.end(), [&](const std::string* s) { return *s == ev.json; })) continue;
      written.push_back(&ev.json);
      WriteEvidence(w, ev, parser);
    }
    w.EndArray();
  }

  w.Key("metadata");
  w.BeginObject();
  WriteOcsfVersionAndProduct(w, options);
  w.Field("uid", EventUid(f, activity));
  if (host_device || host_actor) {
    w.Key("profiles");
    w.BeginArray();
    w.String("host");
    w.EndArray();
  }
  if (!st.tenant.empty()) w.Field("tenant_uid", st.tenant);
  w.EndObject();

  // Detector measurements and related entities have no OCSF attribute: unmapped.
  w.Key("unmapped");
  w.BeginObject();
  simdjson::dom::object attrs;
  if (!f.attributes_json.empty() && parser.parse(f.attributes_json).get_object().get(attrs) == simdjson::SUCCESS) {
    for (auto field : attrs) w.RawField(field.key, Minified(field.value));
  } else if (!f.attributes_json.empty() && f.attributes_json != "{}") {
    w.Field("attributes_text", f.attributes_json);
  }
  if (!f.related.empty()) {
    w.Key("related_entities");
    w.BeginArray();
    for (const std::string& r : f.related) w.String(r);
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
}

std::string OcsfFindingJson(const Finding& finding, FindingActivity activity, const OcsfOptions& options) {
  std::string out;
  AppendOcsfFinding(finding, activity, options, &out);
  return out;
}

Result<std::unique_ptr<FindingWriter>> FindingWriter::Open(const std::string& path, OcsfOptions options) {
  if (path.empty()) return Status::InvalidArgument("no output path given; pass --out FILE or --out - for stdout");
  if (path == "-") {
    return std::unique_ptr<FindingWriter>(new FindingWriter(stdout, false, "<stdout>", std::move(options)));
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Status::IOError(path + ": cannot create the findings file: " + std::strerror(errno) +
                           "; check that the directory exists and is writable");
  }
  return std::unique_ptr<FindingWriter>(new FindingWriter(f, true, path, std::move(options)));
}

FindingWriter::~FindingWriter() { Close(); }

Status FindingWriter::Write(const Finding& finding, bool created) {
  if (file_ == nullptr) return Status::Internal(path_ + ": write after close");
  line_.clear();
  AppendOcsfFinding(finding, created ? FindingActivity::kCreate : FindingActivity::kUpdate, options_, &line_);
  line_.push_back('\n');
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
    return Status::IOError(path_ + ": cannot write findings: " + std::strerror(errno));
  }
  ++written_;
  return Status::OK();
}

Status FindingWriter::Close() {
  if (file_ == nullptr) return Status::OK();
  bool failed = std::fflush(file_) != 0 || std::ferror(file_) != 0;
  const int saved = errno;
  if (owned_) failed |= std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed) return Status::IOError(path_ + ": cannot write findings: " + std::strerror(saved ? saved : errno));
  return Status::OK();
}

}  // namespace impostor
