// Okta System Log, flattened into columns: the admin console's "Download CSV"
// (Reports > System Log; dotted names: actor.alternateId, client.ipAddress,
// client.geographicalContext.city, outcome.result) and Sentinel's older Okta
// connector table Okta_CL, as CSV or JSON (underscores and a type suffix:
// actor_alternateId_s, published_t, client_geographicalContext_geolocation_lat_d).
// Both come down to the same dotted path, so one reader serves them; event
// types and outcomes are those of okta.systemlog.
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

// "actor_alternateId_s" -> "actor.alternateid"; "actor.alternateId" -> "actor.alternateid".
std::string DottedPath(std::string_view name) {
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.find('.') == std::string_view::npos && name.size() > 2 && name[name.size() - 2] == '_') {
    char t = name.back();  // Log Analytics column types: string, double, datetime, bool, guid
    if (t == 's' || t == 'd' || t == 't' || t == 'b' || t == 'g') name.remove_suffix(2);
  }
  std::string out = AsciiLower(name);
  for (char& c : out) {
    if (c == '_') c = '.';
  }
  return out;
}

class OktaFlatReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    std::unordered_map<std::string, int> index;
    for (size_t i = 0; i < header.size(); ++i) {
      std::string_view name = header[i];
      if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
      index.emplace(DottedPath(name), static_cast<int>(i));
    }
    auto find = [&](std::string_view path) {
      auto it = index.find(std::string(path));
      return it == index.end() ? -1 : it->second;
    };
    event_type_ = find("eventtype");
    published_ = find("published");
    time_generated_ = find("timegenerated");
    uuid_ = find("uuid");
    alternate_id_ = find("actor.alternateid");
    actor_id_ = find("actor.id");
    display_name_ = find("actor.displayname");
    ip_ = find("client.ipaddress");
    device_ = find("client.device");
    raw_user_agent_ = find("client.useragent.rawuseragent");
    os_ = find("client.useragent.os");
    browser_ = find("client.useragent.browser");
    city_ = find("client.geographicalcontext.city");
    state_ = find("client.geographicalcontext.state");
    country_ = find("client.geographicalcontext.country");
    lat_ = find("client.geographicalcontext.geolocation.lat");
    lon_ = find("client.geographicalcontext.geolocation.lon");
    as_number_ = find("securitycontext.asnumber");
    as_org_ = find("securitycontext.asorg");
    is_proxy_ = find("securitycontext.isproxy");
    result_ = find("outcome.result");
    reason_ = find("outcome.reason");
    external_session_ = find("authenticationcontext.externalsessionid");
    root_session_ = find("authenticationcontext.rootsessionid");
    risk_ = find("debugcontext.debugdata.risk");
    behaviors_ = find("debugcontext.debugdata.behaviors");
    std::string missing;
    if (event_type_ < 0) missing += " eventType";
    if (published_ < 0 && time_generated_ < 0) missing += " published";
    if (alternate_id_ < 0 && actor_id_ < 0) missing += " actor.alternateId";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    std::string_view event_type = CellValue(row, event_type_);
    if (event_type.empty()) return RecordResult::Reject("eventType: empty");
    if (!IsOktaSignInEventType(event_type)) return RecordResult::Skip("okta eventType " + std::string(event_type));
    std::string_view alternate_id = CellValue(row, alternate_id_);
    out->account_id = CellValue(row, actor_id_);
    if (alternate_id == "unknown") alternate_id = {};
    if (!alternate_id.empty()) {
      out->account = AsciiLower(alternate_id);
    } else if (!out->account_id.empty() && out->account_id != "unknown") {
      out->account = AsciiLower(out->account_id);
    } else {
      return RecordResult::Reject("actor.alternateId: empty (and no actor.id)");
    }
    std::string_view time_text = CellValue(row, published_);
    std::string_view time_column = "published";
    if (time_text.empty()) {
      time_text = CellValue(row, time_generated_);
      time_column = "TimeGenerated";
    }
    if (time_text.empty()) return RecordResult::Reject("published: empty");
    Status error = ParseTimeText(time_text, time_column, ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());

    out->event_id = CellValue(row, uuid_);
    out->display_name = CellValue(row, display_name_);
    if (std::string_view ip = CellValue(row, ip_); !ip.empty()) SetIp(ip, out);
    out->device_name = CellValue(row, device_);
    out->user_agent = CellValue(row, raw_user_agent_);
    out->os = CellValue(row, os_);
    out->browser = CellValue(row, browser_);
    Location& loc = out->vendor_location;
    loc.city = CellValue(row, city_);
    loc.region = CellValue(row, state_);
    loc.country = CountryCode(CellValue(row, country_));
    if (!SetCoordinatesFromText(std::string(CellValue(row, lat_)), std::string(CellValue(row, lon_)), &loc))
      ctx.ignored.push_back("client.geographicalContext.geolocation");
    if (!loc.country.empty() || !loc.city.empty() || loc.has_coordinates()) loc.source = GeoSource::kVendor;
    std::string asn(CellValue(row, as_number_));
    if (!asn.empty()) {
      char* end = nullptr;
      double v = std::strtod(asn.c_str(), &end);  // Okta_CL writes it as a double: "10993"
      if (*end == '\0' && v > 0 && v <= 4294967295.0) out->vendor_asn = static_cast<uint32_t>(v);
    }
    out->vendor_as_org = CellValue(row, as_org_);
    std::string_view proxy = CellValue(row, is_proxy_);
    out->vendor_proxy = EqualsIgnoreCase(proxy, "true") || proxy == "1";
    out->outcome = OktaOutcome(CellValue(row, result_));
    out->failure_reason = CellValue(row, reason_);
    out->session_id = CellValue(row, external_session_);
    if (out->session_id.empty()) out->session_id = CellValue(row, root_session_);
    ParseOktaBehaviors(CellValue(row, behaviors_), &out->vendor_risk_events);
    out->vendor_risk_level = ParseOktaRiskLevel(CellValue(row, risk_));
    return RecordResult::Ok();
  }

 private:
  int event_type_ = -1, published_ = -1, time_generated_ = -1, uuid_ = -1, alternate_id_ = -1, actor_id_ = -1,
      display_name_ = -1, ip_ = -1, device_ = -1, raw_user_agent_ = -1, os_ = -1, browser_ = -1, city_ = -1,
      state_ = -1, country_ = -1, lat_ = -1, lon_ = -1, as_number_ = -1, as_org_ = -1, is_proxy_ = -1,
      result_ = -1, reason_ = -1, external_session_ = -1, root_session_ = -1, risk_ = -1, behaviors_ = -1;
};

}  // namespace

std::unique_ptr<RowReader> MakeOktaFlatReader() { return std::make_unique<OktaFlatReader>(); }

}  // namespace ingest
}  // namespace impostor
