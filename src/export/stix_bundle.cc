#include "export/stix_bundle.h"

#include <algorithm>

#include "common/json_writer.h"
#include "common/time.h"
#include "intel/hashing.h"

namespace impostor {

namespace {

// TLP 2.0 marking definitions as OASIS publishes them (cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0): fixed ids every consumer knows.
constexpr char kTlpExtension[] = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
struct Tlp {
  const char* level;
  const char* id;
  const char* name;
};
constexpr Tlp kTlps[] = {
    {"clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR"},
    {"green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN"},
    {"amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER"},
    {"amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "TLP:AMBER+STRICT"},
    {"red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED"},
};
constexpr char kTlpCreated[] = "2022-10-01T00:00:00.000Z";
// The fixed creation time of impostor's own definitional objects (producer, phone extension).
constexpr char kDefinitionsCreated[] = "2024-01-01T00:00:00.000Z";

std::string Id(const std::string& type, const std::string& name) { return type + "--" + UuidV5(kStixNamespace, name); }

// A value inside a STIX pattern string literal: quote and backslash escaped.
std::string PatternLiteral(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// The canonical JSON of an SCO's id-contributing properties (STIX 2.1 §2.9, RFC
// 8785: sorted keys, no white space), for its deterministic UUIDv5.
std::string Canonical(const std::vector<std::pair<std::string, std::string>>& props) {
  std::vector<std::pair<std::string, std::string>> sorted = props;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  for (const auto& [k, v] : sorted) w.Field(k, v);
  w.EndObject();
  return out;
}

struct Value {
  const char* kind;  // "email", "account", "phone", "ip"
  std::string value;
};

}  // namespace

bool IsTlpLevel(const std::string& tlp) {
  for (const Tlp& t : kTlps)
    if (tlp == t.level) return true;
  return false;
}

Result<std::string> StixBundleJson(const std::vector<SharedPersona>& input, const StixOptions& options) {
  const Tlp* tlp = nullptr;
  for (const Tlp& t : kTlps)
    if (options.tlp == t.level) tlp = &t;
  if (tlp == nullptr) {
    return Status::InvalidArgument("--tlp takes clear, green, amber, amber+strict or red, not '" + options.tlp + "'");
  }
  const TimeMs now = FixedOrWallClockMs(options.now_ms);
  const bool hashed = !options.hmac_key_id.empty();
  std::vector<SharedPersona> personas = input;
  std::sort(personas.begin(), personas.end(), [](const SharedPersona& a, const SharedPersona& b) { return a.id < b.id; });

  std::vector<std::string> objects, ids;  // one JSON object each, in order
  auto emit = [&](const std::string& id, std::string json) {
    ids.push_back(id);
    objects.push_back(std::move(json));
  };
  const std::string producer_id = Id("identity", "producer|" + options.producer);
  const std::string phone_ext = Id("extension-definition", "impostor|phone-number|1.0");
  auto markings = [&](JsonWriter& w) {
    w.Key("object_marking_refs");
    w.BeginArray();
    w.String(tlp->id);
    w.EndArray();
  };
  // The common properties of a domain or relationship object, and its markings at End.
  auto begin_sdo = [&](JsonWriter& w, const char* type, const std::string& id, const std::string& created,
                       const std::string& modified) {
    w.BeginObject();
    w.Field("type", type);
    w.Field("spec_version", "2.1");
    w.Field("id", id);
    w.Field("created_by_ref", producer_id);
    w.Field("created", created);
    w.Field("modified", modified);
  };
  auto relationship = [&](const char* type, const std::string& source, const std::string& target,
                          const std::string& created, const std::string& modified) {
    const std::string id = Id("relationship", std::string(type) + "|" + source + "|" + target);
    std::string json;
    JsonWriter w(&json);
    begin_sdo(w, "relationship", id, created, modified);
    w.Field("relationship_type", type);
    w.Field("source_ref", source);
    w.Field("target_ref", target);
    markings(w);
    w.EndObject();
    emit(id, std::move(json));
  };

  {  // The TLP marking, exactly as published.
    std::string json;
    JsonWriter w(&json);
    w.BeginObject();
    w.Field("type", "marking-definition");
    w.Field("spec_version", "2.1");
    w.Field("id", tlp->id);
    w.Field("created", kTlpCreated);
    w.Field("name", tlp->name);
    w.Key("extensions");
    w.BeginObject();
    w.Key(kTlpExtension);
    w.BeginObject();
    w.Field("extension_type", "property-extension");
    w.Field("tlp_2_0", tlp->level);
    w.EndObject();
    w.EndObject();
    w.EndObject();
    emit(tlp->id, std::move(json));
  }
  {  // Who shares.
    std::string json;
    JsonWriter w(&json);
    w.BeginObject();
    w.Field("type", "identity");
    w.Field("spec_version", "2.1");
    w.Field("id", producer_id);
    w.Field("created", kDefinitionsCreated);
    w.Field("modified", kDefinitionsCreated);
    w.Field("name", options.producer);
    w.Field("identity_class", "organization");
    markings(w);
    w.EndObject();
    emit(producer_id, std::move(json));
  }
  const bool any_phone = !hashed && std::any_of(personas.begin(), personas.end(),
                                                [](const SharedPersona& s) { return !s.phones.empty(); });
  if (any_phone) {  // STIX 2.1 has no phone object: a new SCO type, defined in the bundle.
    std::string json;
    JsonWriter w(&json);
    begin_sdo(w, "extension-definition", phone_ext, kDefinitionsCreated, kDefinitionsCreated);
    w.Field("name", "phone-number");
    w.Field("description", "A telephone number as a cyber observable: SCO type 'phone-number'.");
    w.Field("schema",
            "The phone-number SCO has one property, number (string, required): the number in E.164 form "
            "(+ and digits), as in the pattern [phone-number:number = '+14155550123']. Its id is the UUIDv5 of the "
            "canonical JSON of {number} in the STIX namespace.");
    w.Field("version", "1.0");
    w.Key("extension_types");
    w.BeginArray();
    w.String("new-sco");
    w.EndArray();
    markings(w);
    w.EndObject();
    emit(phone_ext, std::move(json));
  }

  for (const SharedPersona& s : personas) {
    const TimeMs created_ms = s.created_ms > 0 ? s.created_ms : s.first_seen > 0 ? s.first_seen : now;
    const TimeMs modified_ms = std::max(created_ms, s.modified_ms > 0 ? s.modified_ms : created_ms);
    const std::string created = FormatIso8601(created_ms), modified = FormatIso8601(modified_ms);
    const std::string identity_id = Id("identity", "persona|" + s.id);
    {
      std::string json;
      JsonWriter w(&json);
      begin_sdo(w, "identity", identity_id, created, modified);
      w.Field("name", s.name);
      std::string desc = "Persona " + s.id + (s.hashed ? " (identifiers pre-hashed)" : "");
      if (!s.summary.empty()) desc += ": " + s.summary;
      if (s.risk >= 0) desc += " Risk score " + std::to_string(static_cast<int>(s.risk + 0.5)) + " of 100.";
      w.Field("description", desc);
      w.Field("identity_class", "individual");
      if (s.risk >= 0) w.Field("confidence", static_cast<int>(std::clamp(s.risk, 0.0, 100.0) + 0.5));
      markings(w);
      w.EndObject();
      emit(identity_id, std::move(json));
    }
    std::string actor_id;
    if (s.confirmed) {  // an analyst confirmed: someone operates this persona
      actor_id = Id("threat-actor", "persona|" + s.id);
      std::string json;
      JsonWriter w(&json);
      begin_sdo(w, "threat-actor", actor_id, created, modified);
      w.Field("name", "Operator of persona " + s.name);
      w.Field("description", "A fraudulent remote worker operating persona " + s.id +
                                 " (confirmed by an analyst); the identity is the persona it impersonates.");
      if (!s.names.empty()) {  // every name the persona claimed
        w.Key("aliases");
        w.BeginArray();
        for (const std::string& n : s.names) w.String(n);
        w.EndArray();
      }
      markings(w);
      w.EndObject();
      emit(actor_id, std::move(json));
      relationship("impersonates", actor_id, identity_id, created, modified);
    }
    std::vector<Value> values;
    for (const std::string& v : s.emails) values.push_back({"email", v});
    for (const std::string& v : s.accounts) values.push_back({"account", v});
    for (const std::string& v : s.phones) values.push_back({"phone", v});
    for (const std::string& v : s.ips) values.push_back({"ip", v});
    std::vector<std::string> sco_ids;
    std::vector<std::string> indicator_ids;
    for (const Value& v : values) {
      std::string pattern, sco_type, words;
      std::vector<std::pair<std::string, std::string>> props;
      const bool v6 = v.value.find(':') != std::string::npos;
      if (std::string_view(v.kind) == "email") {
        sco_type = "email-addr";
        props = {{"value", v.value}};
        pattern = "[email-addr:value = " + PatternLiteral(v.value) + "]";
        words = "E-mail address";
      } else if (std::string_view(v.kind) == "account") {
        sco_type = "user-account";
        props = {{"user_id", v.value}, {"account_login", v.value}};
        pattern = "[user-account:account_login = " + PatternLiteral(v.value) + "]";
        words = "Account";
      } else if (std::string_view(v.kind) == "phone") {
        sco_type = "phone-number";
        props = {{"number", v.value}};
        pattern = "[phone-number:number = " + PatternLiteral(v.value) + "]";
        words = "Phone number";
      } else {
        sco_type = v6 ? "ipv6-addr" : "ipv4-addr";
        props = {{"value", v.value}};
        pattern = "[" + sco_type + ":value = " + PatternLiteral(v.value) + "]";
        words = "Laptop-farm address";
      }
      if (hashed && std::string_view(v.kind) == "ip") {
        pattern = "[ipv4-addr:value = " + PatternLiteral(v.value) + "]";  // a digest hides the family
      }
      const std::string indicator_id = Id("indicator", "persona|" + s.id + "|" + pattern);
      {
        std::string json;
        JsonWriter w(&json);
        begin_sdo(w, "indicator", indicator_id, created, modified);
        w.Field("name", words + " of persona " + s.name);
        w.Field("description", hashed ? words + " of persona " + s.id +
                                            ", as HMAC-SHA256 of its normalised form with shared key " +
                                            options.hmac_key_id
                                      : words + " of persona " + s.id);
        w.Key("indicator_types");
        w.BeginArray();
        w.String(std::string_view(v.kind) == "ip" ? "anomalous-activity" : "attribution");
        w.EndArray();
        w.Field("pattern", pattern);
        w.Field("pattern_type", "stix");
        w.Field("pattern_version", "2.1");
        w.Field("valid_from", FormatIso8601(s.first_seen > 0 ? std::min(s.first_seen, created_ms) : created_ms));
        if (hashed) {
          w.Key("labels");
          w.BeginArray();
          w.String("hmac-sha256:" + options.hmac_key_id);
          w.EndArray();
        }
        markings(w);
        w.EndObject();
        emit(indicator_id, std::move(json));
      }
      indicator_ids.push_back(indicator_id);
      relationship("related-to", indicator_id, identity_id, created, modified);
      if (!actor_id.empty()) relationship("indicates", indicator_id, actor_id, created, modified);
      if (hashed) continue;  // a digest is no observable value
      const std::string sco_id = sco_type + "--" + UuidV5(kStixNamespace, Canonical(props));
      std::string json;
      JsonWriter w(&json);
      w.BeginObject();
      w.Field("type", sco_type);
      w.Field("spec_version", "2.1");
      w.Field("id", sco_id);
      for (const auto& [k, val] : props) w.Field(k, val);
      if (sco_type == "phone-number") {
        w.Key("extensions");
        w.BeginObject();
        w.Key(phone_ext);
        w.BeginObject();
        w.Field("extension_type", "new-sco");
        w.EndObject();
        w.EndObject();
      }
      markings(w);
      w.EndObject();
      if (std::find(ids.begin(), ids.end(), sco_id) == ids.end()) emit(sco_id, std::move(json));
      sco_ids.push_back(sco_id);
    }
    if (!sco_ids.empty()) {  // what was seen, when, in how many findings
      const std::string od_id = Id("observed-data", "persona|" + s.id);
      std::string json;
      JsonWriter w(&json);
      begin_sdo(w, "observed-data", od_id, created, modified);
      w.Field("first_observed", FormatIso8601(s.first_seen > 0 ? s.first_seen : created_ms));
      w.Field("last_observed", FormatIso8601(std::max(s.last_seen, s.first_seen > 0 ? s.first_seen : created_ms)));
      w.Field("number_observed", static_cast<int64_t>(std::clamp<size_t>(s.finding_keys.size(), 1, 999999999)));
      w.Key("object_refs");
      w.BeginArray();
      for (const std::string& id : sco_ids) w.String(id);
      w.EndArray();
      markings(w);
      w.EndObject();
      emit(od_id, std::move(json));
      for (const std::string& ind : indicator_ids) relationship("based-on", ind, od_id, created, modified);
    }
  }

  // The bundle id follows the content: the same objects give the same bundle.
  std::string digest;
  for (const std::string& o : objects) digest += o;
  std::string out = "{\"type\":\"bundle\",\"id\":\"bundle--" + UuidV5(kStixNamespace, Sha256Hex(digest)) +
                    "\",\"objects\":[\n";
  for (size_t i = 0; i < objects.size(); ++i) out += objects[i] + (i + 1 < objects.size() ? ",\n" : "\n");
  out += "]}\n";
  return out;
}

}  // namespace impostor
