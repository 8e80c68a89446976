#include "ingest/registration_reader.h"

#include <simdjson.h>

#include <algorithm>

#include "ingest/input_source.h"
#include "ingest/json_fields.h"

namespace impostor {

namespace {

namespace dom = simdjson::dom;
constexpr size_t kHeadBytes = 64 * 1024;

bool Find(dom::object o, std::string_view key, dom::element* out) {
  for (auto f : o) {
    if (ingest::KeyIs(f.key, key)) {
      *out = f.value;
      return true;
    }
  }
  return false;
}

// The array member `key`; false when absent or not an array.
bool Array(dom::object o, std::string_view key, dom::array* out) {
  dom::element e;
  return Find(o, key, &e) && e.get_array().get(*out) == simdjson::SUCCESS;
}

// The string member `key`; "" when absent, null or not a string.
std::string_view Text(dom::object o, std::string_view key) {
  dom::element e;
  std::string_view s;
  if (!Find(o, key, &e) || e.get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

bool IsObj(dom::object o, std::string_view key) {
  dom::element e;
  return Find(o, key, &e) && e.is_object();
}

// Only after IsObj(o, key).
dom::object Obj(dom::object o, std::string_view key) {
  dom::element e;
  dom::object out;
  if (Find(o, key, &e) && e.get_object().get(out) != simdjson::SUCCESS) return dom::object();
  return out;
}

bool LooksLikePhone(std::string_view s) {
  size_t digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') ++digits;
    else if (!(c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.')) return false;
  }
  return digits >= 7;
}

FactorType OktaFactor(std::string_view f) {
  std::string l = AsciiLower(f);
  if (l.find("sms") != std::string::npos) return FactorType::kSms;
  if (l.find("call") != std::string::npos || l.find("voice") != std::string::npos) return FactorType::kVoice;
  if (l.find("push") != std::string::npos || l.find("okta_verify") != std::string::npos) return FactorType::kPush;
  if (l.find("webauthn") != std::string::npos || l.find("u2f") != std::string::npos || l.find("fido") != std::string::npos)
    return FactorType::kWebAuthn;
  if (l.find("otp") != std::string::npos || l.find("totp") != std::string::npos || l.find("token") != std::string::npos)
    return FactorType::kTotp;
  return FactorType::kUnknown;
}

// Returns "" (filled or skipped via *skip) or a reject reason.
Status ReadOkta(dom::object e, Registration* r, std::string* skip) {
  std::string_view type = Text(e, "eventType");
  const bool sms = type == "system.sms.send_phone_verification_message";
  const bool voice = type == "system.voice.send_phone_verification_call";
  const bool device = type == "device.user.add";
  const bool factor = type == "user.mfa.factor.activate";
  if (!sms && !voice && !device && !factor) {
    *skip = "okta eventType " + std::string(type);
    return Status::OK();
  }
  std::string_view result = IsObj(e, "outcome") ? Text(Obj(e, "outcome"), "result") : std::string_view();
  if (!result.empty() && result != "SUCCESS") {
    *skip = "okta " + std::string(type) + " not SUCCESS";
    return Status::OK();
  }
  std::string_view published = Text(e, "published");
  auto t = ParseTimestamp(published);
  if (!t) return Status::Corruption("published: not a time: \"" + std::string(published.substr(0, 60)) + "\"");
  r->time = *t;
  r->event_id = Text(e, "uuid");
  if (IsObj(e, "actor")) r->account = AsciiLower(Text(Obj(e, "actor"), "alternateId"));
  if (IsObj(e, "client")) r->ip = Text(Obj(e, "client"), "ipAddress");
  dom::object debug_data;
  bool has_debug = false;
  if (IsObj(e, "debugContext") && IsObj(Obj(e, "debugContext"), "debugData")) {
    debug_data = Obj(Obj(e, "debugContext"), "debugData");
    has_debug = true;
  }
  std::string phone, device_id, device_name;
  dom::array targets;
  if (Array(e, "target", &targets)) {
    for (dom::element te : targets) {
      dom::object t;
      if (te.get_object().get(t)) continue;
      std::string_view ttype = Text(t, "type");
      if (ttype == "User") {
        std::string_view alt = Text(t, "alternateId");
        if (!alt.empty()) r->account = AsciiLower(alt);
      }
      if (IsObj(t, "detailEntry")) {
        dom::object d = Obj(t, "detailEntry");
        if (auto p = Text(d, "phoneNumber"); !p.empty()) phone = p;
        if (auto id = Text(d, "oktaDeviceId"); !id.empty()) device_id = id;
      }
      if (ttype == "Device") {
        if (device_id.empty()) device_id = Text(t, "id");
        device_name = Text(t, "displayName");
      }
      if (phone.empty() && (sms || voice) && ttype != "User" && LooksLikePhone(Text(t, "alternateId")))
        phone = Text(t, "alternateId");
    }
  }
  if (phone.empty() && has_debug) {
    for (const char* key : {"phoneNumber", "smsPhoneNumber"}) {
      if (auto p = Text(debug_data, key); !p.empty()) phone = p;
    }
  }
  if (sms) r->factor_type = FactorType::kSms;
  else if (voice) r->factor_type = FactorType::kVoice;
  else if (device) r->factor_type = FactorType::kPush;
  else r->factor_type = has_debug ? OktaFactor(Text(debug_data, "factor")) : FactorType::kUnknown;
  if (!phone.empty() && (sms || voice || r->factor_type == FactorType::kSms || r->factor_type == FactorType::kVoice)) {
    r->factor_id = NormalizePhoneDigits(phone);
  } else if (!device_id.empty()) {
    r->factor_id = device_id;
    r->factor_name = device_name;
  }
  if (r->account.empty()) return Status::Corruption("actor.alternateId / target User: no account");
  if (r->factor_id.empty()) {
    *skip = "okta " + std::string(type) + " without a phone or device id";
    return Status::OK();
  }
  return Status::OK();
}

FactorType EntraMethod(std::string_view reason) {
  std::string l = AsciiLower(reason);
  if (l.find("fido") != std::string::npos || l.find("security key") != std::string::npos ||
      l.find("windows hello") != std::string::npos || l.find("passkey") != std::string::npos)
    return FactorType::kWebAuthn;
  if (l.find("authenticator app with notification") != std::string::npos ||
      l.find("passwordless") != std::string::npos)
    return FactorType::kPush;
  if (l.find("authenticator app") != std::string::npos || l.find("oath") != std::string::npos)
    return FactorType::kTotp;
  if (l.find("office phone") != std::string::npos || l.find("alternate mobile") != std::string::npos)
    return FactorType::kVoice;
  if (l.find("phone") != std::string::npos || l.find("sms") != std::string::npos) return FactorType::kSms;
  return FactorType::kUnknown;
}

Status ReadEntra(dom::object e, Registration* r, std::string* skip) {
  // The diagnostic envelope keeps the audit record in properties{}.
  if (IsObj(e, "properties") && Text(e, "activityDisplayName").empty()) {
    dom::object p = Obj(e, "properties");
    if (!Text(p, "activityDisplayName").empty()) e = p;
  }
  std::string_view activity = Text(e, "activityDisplayName");
  if (activity.empty()) activity = Text(e, "OperationName");
  if (activity != "User registered security info") {
    *skip = "entra audit " + std::string(activity.empty() ? "(no activity)" : activity);
    return Status::OK();
  }
  std::string_view result = Text(e, "result");
  if (!result.empty() && !EqualsIgnoreCase(result, "success")) {
    *skip = "entra audit registration not successful";
    return Status::OK();
  }
  std::string_view when = Text(e, "activityDateTime");
  if (when.empty()) when = Text(e, "TimeGenerated");
  auto t = ParseTimestamp(when);
  if (!t) return Status::Corruption("activityDateTime: not a time: \"" + std::string(when.substr(0, 60)) + "\"");
  r->time = *t;
  r->event_id = Text(e, "id");
  r->tenant = Text(e, "tenantId");
  dom::array targets;
  if (Array(e, "targetResources", &targets)) {
    for (dom::element te : targets) {
      dom::object target;
      if (te.get_object().get(target)) continue;
      std::string_view upn = Text(target, "userPrincipalName");
      if (!upn.empty()) {
        r->account = AsciiLower(upn);
        break;
      }
    }
  }
  if (IsObj(e, "initiatedBy")) {
    dom::object by = Obj(e, "initiatedBy");
    if (IsObj(by, "user")) {
      dom::object u = Obj(by, "user");
      if (r->account.empty()) r->account = AsciiLower(Text(u, "userPrincipalName"));
      r->ip = Text(u, "ipAddress");
    }
  }
  r->factor_type = EntraMethod(Text(e, "resultReason"));
  std::string phone, device_id, device_name;
  dom::array details;
  if (Array(e, "additionalDetails", &details)) {
    for (dom::element de : details) {
      dom::object d;
      if (de.get_object().get(d)) continue;
      std::string_view key = Text(d, "key"), value = Text(d, "value");
      if (EqualsIgnoreCase(key, "PhoneNumber")) phone = value;
      else if (EqualsIgnoreCase(key, "DeviceId")) device_id = value;
      else if (EqualsIgnoreCase(key, "DeviceName")) device_name = value;
    }
  }
  if (!phone.empty()) {
    r->factor_id = NormalizePhoneDigits(phone);
    if (r->factor_type == FactorType::kUnknown) r->factor_type = FactorType::kSms;
  } else if (!device_id.empty()) {
    r->factor_id = device_id;
    r->factor_name = device_name;
  }
  if (r->account.empty()) return Status::Corruption("targetResources: no userPrincipalName");
  if (r->factor_id.empty()) {
    *skip = "entra audit registration without a phone or device id";
    return Status::OK();
  }
  return Status::OK();
}

}  // namespace

std::vector<std::string> RegistrationFormats() { return {"okta.systemlog", "entra.audit"}; }

std::string NormalizePhoneDigits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out += c;
    else if (c == '+' && out.empty()) out += c;
  }
  return out;
}

Status ReadRegistrations(const std::string& path, const std::string& format_in,
                         const RegistrationCallback& on_registration, RejectSink& rejects, ReadStats* stats) {
  ReadStats local;
  if (!stats) stats = &local;
  std::vector<std::string> formats = RegistrationFormats();
  if (!format_in.empty() && std::find(formats.begin(), formats.end(), format_in) == formats.end())
    return Status::InvalidArgument("unknown registration format \"" + format_in + "\"; known: okta.systemlog, entra.audit");
  IMPOSTOR_ASSIGN_OR_RETURN(std::unique_ptr<ingest::InputSource> opened, ingest::InputSource::Open(path));
  ingest::ChunkBuffer buffer(opened.get());
  while (buffer.size() < kHeadBytes && !buffer.eof()) {
    IMPOSTOR_RETURN_IF_ERROR(buffer.Fill(0).status());
  }
  std::string_view head = buffer.view().substr(0, kHeadBytes);
  if (head.find_first_not_of(" \t\r\n") == std::string_view::npos && buffer.eof()) return Status::OK();
  auto reject = [&](uint64_t line, std::string reason, std::string_view raw) {
    ReportReject(rejects, stats, path, line, std::move(reason), raw);
  };
  std::string fixed = format_in;
  dom::parser parser;
  ingest::JsonShape shape = ingest::DetectJsonShape(head);
  ingest::JsonSplitter splitter(
      shape.mode,
      [&](const ingest::RecordSpan& span) {
        std::string_view text(span.data, span.size);
        while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == ' '))
          text.remove_suffix(1);
        if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
        dom::element doc;
        if (auto e = parser.parse(text.data(), text.size(), false).get(doc)) {
          reject(span.line, ingest::JsonError(e), text);
          return;
        }
        dom::object o;
        if (doc.get_object().get(o)) {
          reject(span.line, "not a JSON object", text);
          return;
        }
        std::string format = fixed;
        if (format.empty()) format = Text(o, "eventType").empty() ? "entra.audit" : "okta.systemlog";
        Registration r;
        std::string skip;
        Status error = format == "okta.systemlog" ? ReadOkta(o, &r, &skip) : ReadEntra(o, &r, &skip);
        if (!error.ok()) {
          reject(span.line, error.message(), text);
        } else if (!skip.empty()) {
          ++stats->skipped;
          ++stats->skipped_by_kind[skip];
        } else {
          r.source_format = format;
          r.source_file = path;
          r.source_line = span.line;
          ++stats->records;
          on_registration(std::move(r));
        }
      },
      [&](const ingest::StructureError& error) { reject(error.line, error.reason, error.raw); });
  Status status = splitter.Run(&buffer);
  stats->bytes += buffer.bytes_read();
  if (!status.ok()) return status.WithContext("reading " + path);
  return Status::OK();
}

}  // namespace impostor
