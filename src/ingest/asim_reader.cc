// Microsoft Sentinel ASIM Authentication schema: every source Sentinel
// normalises (OktaV2_CL, the _Im_Authentication / imAuthentication views, and
// the custom tables of connectors built on the schema) writes the same columns,
// so one reader serves them all:
//   TimeGenerated (or EventStartTime), TargetUsername / ActorUsername (the
//   account; "-" when the source has none), TargetUserId / ActorUserId,
//   SrcIpAddr, SrcGeoCountry / SrcGeoRegion / SrcGeoCity / SrcGeoLatitude /
//   SrcGeoLongitude, EventResult (Success / Failure / Partial / NA),
//   EventResultDetails, EventType (Logon / Logoff / Elevate), EventOriginalType,
//   HttpUserAgent, SrcDvcOs, SrcDvcId, TargetAppName, TargetSessionId, EventUid.
// Sources add columns of their own; OktaV2_CL's OriginalActorAlternateId (the
// Okta login when ActorUsername is "-") and SecurityContextAsNumber are read too,
// and its "SrcGeoLongtitude" spelling is accepted.
#include <cstdlib>
#include <string>

#include "ingest/format_readers.h"

namespace impostor {
namespace ingest {
namespace {

bool Contains(std::string_view text, std::string_view part) {
  return AsciiLower(text).find(part) != std::string::npos;
}

class AsimAuthenticationReader final : public RowReader {
 public:
  Status Init(const std::vector<std::string>& header) override {
    CsvColumns c(header);
    time_ = c.Find({"TimeGenerated", "EventStartTime", "EventEndTime"});
    target_user_ = c.Find("TargetUsername");
    actor_user_ = c.Find("ActorUsername");
    original_alternate_id_ = c.Find("OriginalActorAlternateId");
    target_user_id_ = c.Find("TargetUserId");
    actor_user_id_ = c.Find("ActorUserId");
    display_name_ = c.Find({"ActorDisplayName", "TargetDisplayName"});
    ip_ = c.Find({"SrcIpAddr", "IpAddr"});
    country_ = c.Find("SrcGeoCountry");
    region_ = c.Find("SrcGeoRegion");
    city_ = c.Find("SrcGeoCity");
    lat_ = c.Find("SrcGeoLatitude");
    lon_ = c.Find({"SrcGeoLongitude", "SrcGeoLongtitude"});
    result_ = c.Find("EventResult");
    result_details_ = c.Find({"EventResultDetails", "EventOriginalResultDetails"});
    event_type_ = c.Find("EventType");
    original_type_ = c.Find("EventOriginalType");
    user_agent_ = c.Find("HttpUserAgent");
    os_ = c.Find("SrcDvcOs");
    device_id_ = c.Find("SrcDvcId");
    device_name_ = c.Find({"SrcHostname", "SrcDvcHostname"});
    app_ = c.Find("TargetAppName");
    session_ = c.Find({"TargetSessionId", "ActorSessionId"});
    event_id_ = c.Find({"EventUid", "EventOriginalUid"});
    asn_ = c.Find({"SrcAsn", "SecurityContextAsNumber"});
    proxy_ = c.Find("SecurityContextIsProxy");
    tenant_ = c.Find("TenantId");
    std::string missing;
    if (time_ < 0) missing += " TimeGenerated";
    if (target_user_ < 0 && actor_user_ < 0 && target_user_id_ < 0 && actor_user_id_ < 0) missing += " TargetUsername";
    if (ip_ < 0) missing += " SrcIpAddr";
    if (result_ < 0) missing += " EventResult";
    return missing.empty() ? Status::OK() : Status::Corruption("missing column(s):" + missing);
  }

  RecordResult Read(const std::vector<std::string>& row, RecordContext& ctx, SignIn* out) const override {
    // Logon only; Logoff and Elevate are other acts. Without EventType the
    // source's own type tells (OktaV2_CL: user.session.start / user.session.end).
    std::string_view type = CellValue(row, event_type_);
    std::string_view original = CellValue(row, original_type_);
    if (!type.empty()) {
      if (!EqualsIgnoreCase(type, "Logon")) return RecordResult::Skip("asim EventType " + std::string(type));
    } else if (!original.empty()) {
      bool okta = original.rfind("user.", 0) == 0 || original.rfind("policy.", 0) == 0;
      if (okta ? !IsOktaSignInEventType(original)
               : (Contains(original, "logoff") || Contains(original, "logout") || Contains(original, "signout"))) {
        return RecordResult::Skip("asim EventOriginalType " + std::string(original));
      }
    }
    std::string_view account;
    for (int column : {target_user_, actor_user_, original_alternate_id_, target_user_id_, actor_user_id_}) {
      account = CellValue(row, column);
      if (!account.empty()) break;
    }
    if (account.empty()) return RecordResult::Reject("TargetUsername: empty (and no ActorUsername or user id)");
    out->account = AsciiLower(account);
    out->account_id = CellValue(row, target_user_id_);
    if (out->account_id.empty()) out->account_id = CellValue(row, actor_user_id_);
    std::string_view time_text = CellValue(row, time_);
    if (time_text.empty()) return RecordResult::Reject("TimeGenerated: empty");
    Status error = ParseTimeText(time_text, "TimeGenerated", ctx, &out->time_ms);
    if (!error.ok()) return RecordResult::Reject(error.message());

    out->display_name = CellValue(row, display_name_);
    out->tenant = CellValue(row, tenant_);
    if (std::string_view ip = CellValue(row, ip_); !ip.empty()) SetIp(ip, out);
    Location& loc = out->vendor_location;
    loc.country = CountryCode(CellValue(row, country_));
    loc.region = CellValue(row, region_);
    loc.city = CellValue(row, city_);
    if (!SetCoordinatesFromText(std::string(CellValue(row, lat_)), std::string(CellValue(row, lon_)), &loc))
      ctx.ignored.push_back("SrcGeoLatitude");
    if (!loc.country.empty() || !loc.city.empty() || loc.has_coordinates()) loc.source = GeoSource::kVendor;

    std::string_view result = CellValue(row, result_);
    if (EqualsIgnoreCase(result, "Success")) {
      out->outcome = Outcome::kSuccess;
    } else if (EqualsIgnoreCase(result, "Failure")) {
      out->outcome = Outcome::kFailure;
    } else if (EqualsIgnoreCase(result, "Partial")) {
      out->outcome = Outcome::kChallenge;  // ASIM: "Partial" is an authentication that needs another step
    }
    if (out->outcome != Outcome::kSuccess) out->failure_reason = CellValue(row, result_details_);
    out->user_agent = CellValue(row, user_agent_);
    out->os = CellValue(row, os_);
    out->device_id = CellValue(row, device_id_);
    out->device_name = CellValue(row, device_name_);
    out->app = CellValue(row, app_);
    out->session_id = CellValue(row, session_);
    out->event_id = CellValue(row, event_id_);
    std::string asn(CellValue(row, asn_));
    if (!asn.empty()) {
      char* end = nullptr;
      double v = std::strtod(asn.c_str(), &end);
      if (*end == '\0' && v > 0 && v <= 4294967295.0) out->vendor_asn = static_cast<uint32_t>(v);
    }
    std::string_view proxy = CellValue(row, proxy_);
    out->vendor_proxy = EqualsIgnoreCase(proxy, "true") || proxy == "1";
    return RecordResult::Ok();
  }

 private:
  int time_ = -1, target_user_ = -1, actor_user_ = -1, original_alternate_id_ = -1, target_user_id_ = -1,
      actor_user_id_ = -1, display_name_ = -1, ip_ = -1, country_ = -1, region_ = -1, city_ = -1, lat_ = -1,
      lon_ = -1, result_ = -1, result_details_ = -1, event_type_ = -1, original_type_ = -1, user_agent_ = -1,
      os_ = -1, device_id_ = -1, device_name_ = -1, app_ = -1, session_ = -1, event_id_ = -1, asn_ = -1,
      proxy_ = -1, tenant_ = -1;
};

}  // namespace

std::unique_ptr<RowReader> MakeAsimAuthenticationReader() { return std::make_unique<AsimAuthenticationReader>(); }

}  // namespace ingest
}  // namespace impostor
