#include "export/misp_event.h"

#include <algorithm>

#include "common/json_writer.h"
#include "common/time.h"
#include "export/stix_bundle.h"
#include "intel/hashing.h"

namespace impostor {

namespace {

// impostor's namespace for MISP UUIDs (itself UUIDv5 of "impostor/misp" in the STIX one).
std::string Uuid(const std::string& name) {
  static const std::string ns = UuidV5(kStixNamespace, "impostor/misp");
  return UuidV5(ns, name);
}

// The templates used, as misp-objects defines them (uuid, version, meta-category).
struct Template {
  const char* name;
  const char* uuid;
  int version;
  const char* meta_category;
};
constexpr Template kPerson{"person", "a15b0477-e9d1-4b9c-9546-abe78a4f4248", 21, "misc"};
constexpr Template kUserAccount{"user-account", "49606b06-22f0-4ac8-8eee-2f12ad46f3d3", 6, "misc"};
constexpr Template kPhoneNumber{"phone-number", "c4b5a67c-63d2-11ec-90d6-0242ac120003", 1, "mobile"};
constexpr Template kIpPort{"ip-port", "9f8cea74-16fe-4968-a2b4-026676949ac6", 10, "network"};

struct Attr {
  const char* relation;
  const char* type;      // the template's misp-attribute
  const char* category;  // MISP's default category of the type
  std::string value;
  bool to_ids;
};

// MISP's distribution levels: 0 your organisation, 1 this community, 2 connected
// communities, 3 all communities.
int DistributionOf(const std::string& tlp) {
  if (tlp == "red") return 0;
  if (tlp == "amber" || tlp == "amber+strict") return 1;
  if (tlp == "green") return 2;
  return 3;
}

}  // namespace

Result<std::string> MispEventJson(const std::vector<SharedPersona>& input, const MispOptions& options) {
  if (!IsTlpLevel(options.tlp)) {
    return Status::InvalidArgument("--tlp takes clear, green, amber, amber+strict or red, not '" + options.tlp + "'");
  }
  const TimeMs now = FixedOrWallClockMs(options.now_ms);
  std::vector<SharedPersona> personas = input;
  std::sort(personas.begin(), personas.end(), [](const SharedPersona& a, const SharedPersona& b) { return a.id < b.id; });
  TimeMs modified = 0;
  bool confirmed = false;
  std::string ids;
  for (const SharedPersona& s : personas) {
    modified = std::max(modified, s.modified_ms > 0 ? s.modified_ms : s.created_ms);
    confirmed |= s.confirmed;
    ids += s.id + "|";
  }
  if (modified == 0) modified = now;
  const std::string event_uuid = Uuid("event|" + ids);

  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("Event");
  w.BeginObject();
  w.Field("uuid", event_uuid);
  w.Field("info", personas.size() == 1 ? "impostor: persona " + personas[0].id
                                       : "impostor: " + std::to_string(personas.size()) + " personas");
  w.Field("date", FormatIso8601(modified).substr(0, 10));
  w.Field("timestamp", std::to_string(modified / 1000));
  w.Field("threat_level_id", confirmed ? "1" : "2");  // 1 High, 2 Medium
  w.Field("analysis", confirmed ? "2" : "1");         // 2 Completed, 1 Ongoing
  w.Field("distribution", std::to_string(DistributionOf(options.tlp)));
  w.Field("published", false);
  w.Key("Orgc");
  w.BeginObject();
  w.Field("name", options.producer);
  w.Field("uuid", Uuid("org|" + options.producer));
  w.EndObject();
  w.Key("Tag");
  w.BeginArray();
  w.BeginObject();
  w.Field("name", "tlp:" + options.tlp);
  w.EndObject();
  if (!options.hmac_key_id.empty()) {
    w.BeginObject();
    w.Field("name", "impostor:hmac-sha256=\"" + options.hmac_key_id + "\"");
    w.EndObject();
  }
  w.EndArray();
  w.Key("Attribute");
  w.BeginArray();
  w.EndArray();
  w.Key("Object");
  w.BeginArray();
  auto object = [&](const Template& t, const std::string& key, const std::string& comment,
                    const std::vector<Attr>& attrs, TimeMs time) {
    const std::string uuid = Uuid("object|" + std::string(t.name) + "|" + key);
    w.BeginObject();
    w.Field("name", t.name);
    w.Field("meta-category", t.meta_category);
    w.Field("template_uuid", t.uuid);
    w.Field("template_version", std::to_string(t.version));
    w.Field("uuid", uuid);
    w.Field("timestamp", std::to_string(time / 1000));
    w.Field("distribution", "5");  // inherit the event's
    if (!comment.empty()) w.Field("comment", comment);
    w.Key("Attribute");
    w.BeginArray();
    for (const Attr& a : attrs) {
      w.BeginObject();
      w.Field("uuid", Uuid("attribute|" + uuid + "|" + a.relation + "|" + a.value));
      w.Field("object_relation", a.relation);
      w.Field("type", a.type);
      w.Field("category", a.category);
      w.Field("value", a.value);
      w.Field("to_ids", a.to_ids);
      w.Field("distribution", "5");
      w.Field("timestamp", std::to_string(time / 1000));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  };
  for (const SharedPersona& s : personas) {
    const TimeMs t = s.modified_ms > 0 ? s.modified_ms : s.created_ms > 0 ? s.created_ms : now;
    std::vector<Attr> person;
    // requiredOneOf full-name / alias: the claimed names, else the persona id.
    if (!s.names.empty()) person.push_back({"full-name", "full-name", "Person", s.names[0], false});
    for (size_t i = 1; i < s.names.size(); ++i) person.push_back({"alias", "text", "Other", s.names[i], false});
    if (s.names.empty() || s.hashed) person.push_back({"alias", "text", "Other", s.id, false});
    for (const std::string& e : s.emails) person.push_back({"e-mail", "email-src", "Payload delivery", e, true});
    for (const std::string& p : s.phones) person.push_back({"phone-number", "phone-number", "Person", p, true});
    if (!s.national_ids.empty())
      person.push_back({"identity-card-number", "identity-card-number", "Person", s.national_ids[0], true});
    std::string text = s.hashed ? "Identifiers are HMAC-SHA256 of their normalised forms (key " + options.hmac_key_id + ")"
                                : s.summary;
    if (s.risk >= 0) text += (text.empty() ? "" : " ") + std::string("Risk score ") + std::to_string(static_cast<int>(s.risk + 0.5)) + ".";
    if (s.confirmed) text += (text.empty() ? "" : " ") + std::string("Confirmed by an analyst.");
    if (!text.empty()) person.push_back({"text", "text", "Other", text, false});
    object(kPerson, s.id, "persona " + s.id, person, t);
    for (const std::string& a : s.accounts)
      object(kUserAccount, s.id + "|" + a, "account of persona " + s.id, {{"username", "text", "Other", a, true}}, t);
    for (const std::string& p : s.phones)
      object(kPhoneNumber, s.id + "|" + p, "phone of persona " + s.id,
             {{"phone-number", "phone-number", "Person", p, true}}, t);
    for (const std::string& ip : s.ips) {
      std::vector<Attr> attrs = {{"ip-src", "ip-src", "Network activity", ip, true}};
      attrs.push_back({"text", "text", "Other", "laptop-farm address used by persona " + s.id, false});
      object(kIpPort, s.id + "|" + ip, "laptop-farm address", attrs, t);
    }
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace impostor
