#include "detect/impossible_travel.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/geo.h"
#include "common/strings.h"
#include "detect/evidence.h"

namespace impostor {

namespace {

// Case-insensitive search without a copy: this runs for every sign-in.
bool ContainsNoCase(std::string_view text, std::string_view word) {
  if (word.size() > text.size()) return false;
  for (size_t i = 0; i + word.size() <= text.size(); ++i)
    if (EqualsIgnoreCase(text.substr(i, word.size()), word)) return true;
  return false;
}

bool IsPhoneOs(std::string_view os) {
  if (os.empty()) return false;
  return ContainsNoCase(os, "android") || (os.size() >= 3 && EqualsIgnoreCase(os.substr(0, 3), "ios")) ||
         ContainsNoCase(os, "iphone") || ContainsNoCase(os, "ipados");
}

constexpr char kId[] = "signin.impossible_travel";

enum PointFlags : uint8_t {
  kAnonymizer = 1,
  kHosting = 2,
  kOrgEgress = 4,
  kMobile = 8,
  kTor = 16,
  kVendorProxy = 32,
  kPhone = 64,  // signed in from a phone OS: data roaming is routed through the home carrier
};

// A located sign-in, compact (48 bytes): what is needed to judge a later pair
// and to explain it.
struct TravelPoint {
  TimeMs time = INT64_MIN;  // INT64_MIN = empty
  float lat = 0;
  float lon = 0;
  IpAddress ip;             // 17 bytes
  uint8_t flags = 0;
  CountryCode country = 0;
  uint16_t accuracy_km = 0;
  uint32_t asn = 0;
  uint32_t place = 0;       // index into the detector's place-name pool

  bool empty() const { return time == INT64_MIN; }
};

struct TravelState {
  TravelPoint last;        // last located sign-in
  TravelPoint last_clean;  // last one not made through an anonymizer
};

class ImpossibleTravelDetector final : public SignInDetector {
 public:
  explicit ImpossibleTravelDetector(const ImpossibleTravelOptions& o) : opt_(o) {
    for (const std::string& c : o.watch_countries) watch_.push_back(PackCountry(c));
    for (const std::string& c : o.home_countries) home_.push_back(PackCountry(c));
    places_.push_back("");  // place 0 = unknown
  }

  const DetectorInfo& info() const override {
    static const DetectorInfo kInfo = ImpossibleTravelInfo();
    return kInfo;
  }

  void Observe(const SignIn& s, const SignInContext& ctx, FindingSink& sink) override {
    if (!Eligible(s)) return;
    if (states_.size() <= ctx.account) states_.resize(ctx.account + 1);
    TravelState& st = states_[ctx.account];
    TravelPoint p = MakePoint(s);

    if (!st.last.empty() && p.time < st.last.time - static_cast<TimeMs>(opt_.lateness_h * kMsPerHour)) {
      ++too_late_;
      return;
    }
    Judgement best;
    if (!st.last.empty()) best = Judge(st.last, p);
    if (!st.last_clean.empty() && st.last_clean.time != st.last.time) {
      Judgement j = Judge(st.last_clean, p);
      if (j.impossible && (!best.impossible || j.excess > best.excess)) best = j;
    }
    if (best.impossible) Report(s, ctx, best, sink);

    if (st.last.empty() || p.time >= st.last.time) st.last = p;
    if (!(p.flags & (kAnonymizer | kTor | kVendorProxy)) && (st.last_clean.empty() || p.time >= st.last_clean.time))
      st.last_clean = p;
  }

  void SaveState(const AccountProfiles& profiles,
                 std::vector<std::pair<std::string, std::string>>* out) const override {
    for (uint32_t i = 0; i < states_.size(); ++i) {
      const TravelState& st = states_[i];
      if (st.last.empty()) continue;
      std::string blob;
      blob.push_back(static_cast<char>(kBlobVersion));
      AppendPoint(blob, st.last);
      AppendPoint(blob, st.last_clean);
      out->emplace_back(std::string(profiles.name(i)), std::move(blob));
    }
  }

  Status LoadState(AccountProfiles& profiles, std::string_view entity, std::string_view blob) override {
    uint32_t idx = profiles.Intern(entity);
    if (states_.size() <= idx) states_.resize(idx + 1);
    if (blob.empty() || static_cast<uint8_t>(blob[0]) != kBlobVersion)
      return Status::Corruption(std::string(kId) + " state of '" + std::string(entity) + "' has an unknown version");
    blob.remove_prefix(1);
    TravelState st;
    if (!ReadPoint(blob, st.last) || !ReadPoint(blob, st.last_clean) || !blob.empty())
      return Status::Corruption(std::string(kId) + " state of '" + std::string(entity) + "' is truncated");
    states_[idx] = st;
    return Status::OK();
  }

  size_t StateBytes() const override {
    size_t bytes = states_.capacity() * sizeof(TravelState);
    for (const std::string& p : places_) bytes += sizeof(std::string) + (p.size() > 15 ? p.capacity() : 0);
    return bytes + place_index_.size() * 48;
  }

 private:
  static constexpr uint8_t kBlobVersion = 1;

  struct Judgement {
    bool impossible = false;
    TravelPoint from, to;  // in time order
    TravelPoint stored;    // the end that came from state (not the current sign-in)
    double distance_km = 0, effective_km = 0, hours = 0, speed_kmh = 0, required_h = 0;
    double excess = 0;  // required_h - hours: how impossible
  };

  bool Eligible(const SignIn& s) const {
    if (s.outcome == Outcome::kFailure && !opt_.include_failures) return false;
    if (!s.interactive && !opt_.include_noninteractive) return false;
    if (!s.geo.has_coordinates() || !ValidCoordinate(s.geo.lat, s.geo.lon)) return false;
    if (s.geo.accuracy_km > opt_.max_accuracy_km) return false;
    return true;
  }

  uint32_t InternPlace(const Location& loc) {
    std::string name = PlaceName(loc);
    auto it = place_index_.find(name);
    if (it != place_index_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(places_.size());
    places_.push_back(name);
    place_index_.emplace(std::move(name), id);
    return id;
  }

  TravelPoint MakePoint(const SignIn& s) {
    TravelPoint p;
    p.time = s.time_ms;
    p.lat = static_cast<float>(s.geo.lat);
    p.lon = static_cast<float>(s.geo.lon);
    if (s.ip) p.ip = *s.ip;
    double acc = s.geo.accuracy_km >= 0 ? s.geo.accuracy_km : opt_.default_accuracy_km;
    p.accuracy_km = static_cast<uint16_t>(std::min(acc, 65535.0));
    p.country = PackCountry(s.geo.country);
    p.asn = s.net.asn ? s.net.asn : s.vendor_asn;
    p.place = InternPlace(s.geo);
    if (s.net.is_anonymizer) p.flags |= kAnonymizer;
    if (s.net.is_hosting) p.flags |= kHosting;
    if (s.net.is_org_egress) p.flags |= kOrgEgress;
    if (s.net.is_mobile) p.flags |= kMobile;
    if (s.net.is_tor) p.flags |= kTor;
    if (s.vendor_proxy) p.flags |= kVendorProxy;
    if (IsPhoneOs(s.os)) p.flags |= kPhone;
    return p;
  }

  Judgement Judge(const TravelPoint& a, const TravelPoint& b) const {
    Judgement j;
    if (a.ip == b.ip && a.ip != IpAddress()) return j;  // same address re-geolocated (Panther PR #1734)
    if ((a.flags & kOrgEgress) && (b.flags & kOrgEgress)) return j;  // both ends corporate: trusted
    j.stored = a;
    j.from = a.time <= b.time ? a : b;
    j.to = a.time <= b.time ? b : a;
    j.distance_km = HaversineKm(a.lat, a.lon, b.lat, b.lon);
    j.effective_km = std::max(0.0, j.distance_km - a.accuracy_km - b.accuracy_km);
    if (j.effective_km < opt_.min_distance_km) return j;
    j.hours = std::max(static_cast<double>(std::llabs(b.time - a.time)) / kMsPerHour, 1.0 / 3600);
    j.required_h = j.effective_km / opt_.max_speed_kmh + opt_.journey_overhead_h;
    if (j.hours >= j.required_h) return j;
    j.speed_kmh = j.effective_km / j.hours;
    j.excess = j.required_h - j.hours;
    j.impossible = true;
    return j;
  }

  bool IsWatch(CountryCode c) const { return c && std::find(watch_.begin(), watch_.end(), c) != watch_.end(); }

  // One end in a watch country, the other in the account's home country (or a
  // configured claimed country, or anywhere outside the watch list when the
  // account has no baseline yet).
  bool Corridor(const Judgement& j, CountryCode home) const {
    const TravelPoint* watch_end = IsWatch(j.from.country) ? &j.from : IsWatch(j.to.country) ? &j.to : nullptr;
    if (!watch_end) return false;
    const TravelPoint& other = watch_end == &j.from ? j.to : j.from;
    if (IsWatch(other.country) || other.country == 0) return false;
    if (!home_.empty()) return std::find(home_.begin(), home_.end(), other.country) != home_.end();
    return home == 0 || other.country == home;
  }

  std::string EndLabel(const TravelPoint& p) const {
    if (p.flags & kTor) return "Tor exit";
    if (p.flags & kHosting) return "hosting/VPN";
    if (p.flags & kAnonymizer) return "VPN";
    if (p.flags & kVendorProxy) return "proxy";
    if (p.flags & kOrgEgress) return "corporate egress";
    if (p.flags & kMobile) return "mobile carrier";
    if (p.flags & kPhone) return "a phone (roaming data is routed through the home carrier)";
    return "";
  }

  void Report(const SignIn& s, const SignInContext& ctx, const Judgement& j, FindingSink& sink) {
    const AccountProfile& profile = ctx.profiles->profile(ctx.account);
    const bool corridor = Corridor(j, profile.HomeCountry());
    const uint8_t any_flags = j.from.flags | j.to.flags;
    const bool anonymized = any_flags & (kAnonymizer | kTor | kHosting | kVendorProxy);
    const bool one_org_egress = any_flags & kOrgEgress;

    // Severity as measured on honest look-alikes: travellers whose phone roams
    // home-routed, carriers' far-away gateways and personal VPNs make clean-looking
    // impossible pairs every day, so a leg alone is Medium context for the risk
    // model. Only a watched corridor with neither end on a VPN, relay or mobile
    // carrier is an alert on its own.
    // A phone abroad roams home-routed: its address places its home carrier's
    // gateway, not the phone, so a phone end is as vague as a carrier's.
    const bool mobile = any_flags & (kMobile | kPhone);
    int sev;
    if (corridor && !anonymized && !mobile) sev = static_cast<int>(Severity::kCritical);
    else if (corridor || (!anonymized && !mobile)) sev = static_cast<int>(Severity::kMedium);
    else sev = static_cast<int>(Severity::kLow);
    // The IPv4 and IPv6 addresses of one network: a dual-stack home line whose two
    // families the GeoIP data places in different cities. One place, seen twice.
    const bool dual_stack = j.from.ip != IpAddress() && j.to.ip != IpAddress() && j.from.ip.is_v4 != j.to.ip.is_v4 &&
                            j.from.asn != 0 && j.from.asn == j.to.asn;
    if (dual_stack) sev = static_cast<int>(Severity::kInformational);
    // One end on the organisation's own egress: that address places the company's
    // VPN concentrator, not the person (the complaint behind MDCA docs #661). Kept
    // as context, never an alert; both ends on it were dropped in Judge().
    if (one_org_egress) sev = static_cast<int>(Severity::kInformational);
    double conf = 0.7;
    double ratio = j.speed_kmh / opt_.max_speed_kmh;
    if (ratio > 2) conf += 0.1;
    if (ratio > 5) conf += 0.1;
    if (corridor) conf += 0.1;
    if (anonymized) conf -= 0.2;
    if (mobile) conf -= 0.15;
    if (one_org_egress) conf -= 0.2;
    if (dual_stack) conf -= 0.4;

    Finding f;
    f.detector = kId;
    f.entity_type = "account";
    f.entity = s.account;
    f.org = s.tenant;
    f.key = std::string(kId) + "|" + s.account + "|" + DayWindow(j.to.time);
    f.severity = static_cast<Severity>(std::clamp(sev, 1, 5));
    f.confidence = std::clamp(conf, 0.05, 0.99);
    f.first_seen = j.from.time;
    f.last_seen = j.to.time;
    f.title = corridor ? "Impossible travel on a watched corridor" : "Impossible travel";

    std::string explanation = s.account + ": " + places_[j.from.place] + " " + FormatHumanUtc(j.from.time).substr(11) +
                              " → " + places_[j.to.place] + " " + FormatHumanUtc(j.to.time).substr(11) + " UTC";
    if (DayWindow(j.from.time) != DayWindow(j.to.time)) explanation += " (" + DayWindow(j.from.time) + " → " + DayWindow(j.to.time) + ")";
    else explanation += " " + DayWindow(j.to.time);
    char hours[32];
    std::snprintf(hours, sizeof hours, j.hours < 0.1 ? "%.2f" : "%.1f", j.hours);
    explanation += ", " + FormatThousands(j.distance_km) + " km in " + hours + " h = " +
                   FormatThousands(j.speed_kmh) + " km/h";
    for (const TravelPoint* end : {&j.from, &j.to}) {
      std::string label = EndLabel(*end);
      if (!label.empty()) explanation += "; " + places_[end->place] + " end is " + label;
    }
    if (corridor) explanation += "; corridor " + UnpackCountry(j.from.country) + "↔" + UnpackCountry(j.to.country);
    if (dual_stack)
      explanation += "; IPv4 and IPv6 of one network (AS" + std::to_string(j.from.asn) +
                     "): one dual-stack line geolocated twice, context only";
    f.explanation = std::move(explanation);

    // Evidence in time order: the stored end is rebuilt from state.
    if (j.stored.time <= s.time_ms) {
      f.evidence.push_back(PointEvidence(s.account, j.stored));
      f.evidence.push_back(SignInEvidence(s));
    } else {
      f.evidence.push_back(SignInEvidence(s));
      f.evidence.push_back(PointEvidence(s.account, j.stored));
    }

    JsonWriter w(&f.attributes_json);
    f.attributes_json.clear();
    w.BeginObject();
    w.Field("distance_km", std::round(j.distance_km));
    w.Field("effective_distance_km", std::round(j.effective_km));
    w.Field("hours", std::round(j.hours * 100) / 100);
    w.Field("speed_kmh", std::round(j.speed_kmh));
    w.Field("required_hours", std::round(j.required_h * 100) / 100);
    w.Field("accuracy_km_from", static_cast<int>(j.from.accuracy_km));
    w.Field("accuracy_km_to", static_cast<int>(j.to.accuracy_km));
    w.Field("from_country", UnpackCountry(j.from.country));
    w.Field("to_country", UnpackCountry(j.to.country));
    w.Field("corridor", corridor);
    w.Field("anonymized_end", anonymized);
    w.Field("dual_stack", dual_stack);
    w.Field("home_country", UnpackCountry(profile.HomeCountry()));
    w.EndObject();
    sink.OnFinding(std::move(f));
  }

  // Evidence for the earlier sign-in, rebuilt from the compact state.
  Evidence PointEvidence(const std::string& account, const TravelPoint& p) const {
    Evidence e;
    e.kind = "signin";
    JsonWriter w(&e.json);
    w.BeginObject();
    w.Field("time", FormatIso8601(p.time));
    w.Field("account", account);
    w.Field("ip", p.ip.ToString());
    w.Key("location");
    w.BeginObject();
    w.Field("place", places_[p.place]);
    if (p.country) w.Field("country", UnpackCountry(p.country));
    w.Field("lat", static_cast<double>(p.lat));
    w.Field("long", static_cast<double>(p.lon));
    w.Field("accuracy_km", static_cast<int>(p.accuracy_km));
    w.EndObject();
    if (p.asn) w.Field("asn", p.asn);
    std::string label = EndLabel(p);
    if (!label.empty()) w.Field("network", label);
    w.Field("outcome", "success");
    w.EndObject();
    return e;
  }

  void AppendPoint(std::string& blob, const TravelPoint& p) const {
    // Place names travel as text so a reloaded state explains itself.
    const std::string& place = places_[p.place];
    blob.append(reinterpret_cast<const char*>(&p), sizeof p);
    uint8_t n = static_cast<uint8_t>(std::min<size_t>(place.size(), 255));
    blob.push_back(static_cast<char>(n));
    blob.append(place.data(), n);
  }

  bool ReadPoint(std::string_view& blob, TravelPoint& p) {
    if (blob.size() < sizeof p + 1) return false;
    std::memcpy(&p, blob.data(), sizeof p);
    blob.remove_prefix(sizeof p);
    uint8_t n = static_cast<uint8_t>(blob[0]);
    blob.remove_prefix(1);
    if (blob.size() < n) return false;
    std::string place(blob.substr(0, n));
    blob.remove_prefix(n);
    auto it = place_index_.find(place);
    if (it != place_index_.end()) {
      p.place = it->second;
    } else {
      p.place = static_cast<uint32_t>(places_.size());
      places_.push_back(place);
      place_index_.emplace(place, p.place);
    }
    return true;
  }

  ImpossibleTravelOptions opt_;
  std::vector<CountryCode> watch_, home_;
  std::vector<TravelState> states_;
  std::vector<std::string> places_;
  std::unordered_map<std::string, uint32_t> place_index_;
  uint64_t too_late_ = 0;
};

}  // namespace

ImpossibleTravelOptions ImpossibleTravelOptions::FromParams(const DetectorParams& p) {
  ImpossibleTravelOptions o;
  o.max_speed_kmh = p.Number("max_speed_kmh", o.max_speed_kmh);
  o.min_distance_km = p.Number("min_distance_km", o.min_distance_km);
  o.journey_overhead_h = p.Number("journey_overhead_h", o.journey_overhead_h);
  o.default_accuracy_km = p.Number("default_accuracy_km", o.default_accuracy_km);
  o.max_accuracy_km = p.Number("max_accuracy_km", o.max_accuracy_km);
  o.lateness_h = p.Number("lateness_h", o.lateness_h);
  o.include_failures = p.Flag("include_failures", o.include_failures);
  o.include_noninteractive = p.Flag("include_noninteractive", o.include_noninteractive);
  o.watch_countries = p.List("watch_countries", o.watch_countries);
  o.home_countries = p.List("home_countries", o.home_countries);
  return o;
}

DetectorInfo ImpossibleTravelInfo() {
  return DetectorInfo{
      kId,
      "SignIn::Impossible_Travel",
      "Two sign-ins of one account that no aircraft could connect: effective distance (great-circle "
      "minus both accuracy radii) over the time between them exceeds the speed limit.",
      "Operators in China or Russia sign in to accounts also used from a US laptop farm; Microsoft's "
      "own model for this scheme leans on impossible travel between a Western country and CN/RU.",
      "account",
      "stable",
      {
          {"max_speed_kmh", "900", "km/h", "speed above which a journey is impossible"},
          {"min_distance_km", "500", "km", "effective distance below which nothing is reported"},
          {"journey_overhead_h", "0", "h", "boarding and transfer time added to the flight time"},
          {"default_accuracy_km", "25", "km", "accuracy radius assumed when a location states none"},
          {"max_accuracy_km", "1000", "km", "locations coarser than this are not compared"},
          {"lateness_h", "24", "h", "how much older than the account's last sign-in a record may be and still be compared"},
          {"include_failures", "false", "", "also compare failed sign-ins"},
          {"include_noninteractive", "false", "", "also compare non-interactive sign-ins (token refreshes)"},
          {"watch_countries", "[KP, CN, RU]", "ISO 3166 codes", "countries whose pairing with the home country raises severity to Critical"},
          {"home_countries", "[]", "ISO 3166 codes", "claimed countries of all accounts; empty = each account's most-used country"},
      }};
}

std::unique_ptr<SignInDetector> MakeImpossibleTravelDetector(const ImpossibleTravelOptions& options) {
  return std::make_unique<ImpossibleTravelDetector>(options);
}

}  // namespace impostor
