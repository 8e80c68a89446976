#include "sim/simulate.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>

#include "common/geo.h"
#include "common/json_writer.h"
#include "sim/catalog.h"
#include "sim/ip_pool.h"
#include "sim/portrait.h"
#include "sim/rng.h"
#include "sim/world.h"

namespace impostor {

bool ParseDifficulty(const std::string& text, Difficulty* out) {
  if (text == "easy") *out = Difficulty::kEasy;
  else if (text == "normal") *out = Difficulty::kNormal;
  else if (text == "hard") *out = Difficulty::kHard;
  else return false;
  return true;
}

const char* DifficultyName(Difficulty d) {
  switch (d) {
    case Difficulty::kEasy: return "easy";
    case Difficulty::kNormal: return "normal";
    case Difficulty::kHard: return "hard";
  }
  return "normal";
}

namespace {

// ---------------------------------------------------------------- output helpers

// A file written through a large buffer; errors are remembered, not thrown.
class OutFile {
 public:
  ~OutFile() { Close(); }
  Status Open(const std::string& path) {
    path_ = path;
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) return Status::IOError("cannot write " + path + ": " + std::strerror(errno));
    buf_.reserve(kFlushAt + 65536);
    return Status::OK();
  }
  std::string& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= kFlushAt) Flush();
  }
  void Flush() {
    if (f_ && !buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) ok_ = false;
    bytes_ += buf_.size();
    buf_.clear();
  }
  Status Close() {
    if (!f_) return Status::OK();
    Flush();
    if (std::fclose(f_) != 0) ok_ = false;
    f_ = nullptr;
    return ok_ ? Status::OK() : Status::IOError("write failed: " + path_);
  }
  uint64_t bytes() const { return bytes_ + buf_.size(); }

 private:
  static constexpr size_t kFlushAt = 4 << 20;
  std::string path_;
  std::FILE* f_ = nullptr;
  std::string buf_;
  bool ok_ = true;
  uint64_t bytes_ = 0;
};

// Creates `path` and any missing parents (like mkdir -p).
Status MakeDir(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    if (mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST)
      return Status::IOError("cannot create directory " + parent + ": " + std::strerror(errno));
  }
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IOError("cannot create directory " + path + ": " + std::strerror(errno));
  }
  return Status::OK();
}

void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

// "2024-05-06T13:02:11Z", ".123Z" (frac_digits 3) or ".1234567Z" (7: ms then 4 random-looking digits).
void AppendIso(std::string* out, TimeMs t, int frac_digits, uint32_t extra = 0) {
  int64_t days = t / kMsPerDay;
  int64_t ms = t % kMsPerDay;
  if (ms < 0) {
    ms += kMsPerDay;
    --days;
  }
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  int s = static_cast<int>(ms / 1000);
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", y, m, d, s / 3600, (s / 60) % 60, s % 60);
  out->append(buf, n);
  if (frac_digits == 3) {
    n = std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms % 1000));
    out->append(buf, n);
  } else if (frac_digits == 7) {
    n = std::snprintf(buf, sizeof buf, ".%03d%04u", static_cast<int>(ms % 1000), extra % 10000);
    out->append(buf, n);
  }
  out->push_back('Z');
}

std::string Iso(TimeMs t) {
  std::string s;
  AppendIso(&s, t, 0);
  return s;
}

// osquery's calendarTime: "Mon May  6 13:02:11 2024 UTC".
void AppendCalendarTime(std::string* out, TimeMs t) {
  static const char* const kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days = t / kMsPerDay;
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int s = static_cast<int>((t % kMsPerDay) / 1000);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%s %s %2u %02d:%02d:%02d %04d UTC", kDays[((days % 7) + 7) % 7],
                        kMonths[m - 1], d, s / 3600, (s / 60) % 60, s % 60, y);
  out->append(buf, n);
}

void Str(std::string* out, std::string_view s) { AppendJsonString(out, s); }
void Num(std::string* out, int64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  out->append(buf, n);
}
void Dbl(std::string* out, double v) { AppendJsonDouble(out, v); }

std::string Hex(Rng& rng, int n) {
  std::string s;
  rng.AppendHex(&s, n);
  return s;
}

std::string Guid(Rng& rng) {
  std::string s = Hex(rng, 32);
  s.insert(20, "-");
  s.insert(16, "-");
  s.insert(12, "-");
  s.insert(8, "-");
  return s;
}

// Okta-style 20-character object id with a prefix ("00u...", "guo...").
std::string OktaId(const char* prefix, uint64_t key) {
  static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s = prefix;
  uint64_t st = key;
  while (s.size() < 20) s.push_back(kAlnum[SplitMix64(st) % 62]);
  return s;
}

uint64_t HashStr(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

void CsvField(std::string* out, std::string_view v) {
  if (v.find_first_of(",\"\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// ---------------------------------------------------------------- events

enum class Dev : uint8_t { kLaptop = 0, kPhone = 1, kBrowser = 2 };

struct Event {
  TimeMs t = 0;
  int32_t account = 0;
  int32_t true_city = 0;      // where the device physically is (for MDM coordinates)
  int32_t vendor_place = -1;  // place the IdP states, -1 = the block's place
  IpAddress ip;
  uint32_t block = kNoBlock;
  Dev device = Dev::kLaptop;
  bool fail = false;
  bool interactive = true;
};

// Generates the sign-ins of one account over the window into *out.
void GenerateAccount(const World& w, int ai, std::vector<Event>* out) {
  const SimAccount& a = w.accounts[ai];
  const SimOptions& opt = w.options;
  Rng rng(MixSeed(opt.seed, 1000003ULL + static_cast<uint64_t>(ai)));
  const size_t first = out->size();
  auto push = [&](TimeMs t, const SimIp& ip, Dev dev, int true_city) {
    if (!ip.valid() || t < w.start || t >= w.end || t < a.hired) return;
    Event e;
    e.t = t;
    e.account = ai;
    e.true_city = true_city;
    e.ip = ip.ip;
    e.block = ip.block;
    e.device = dev;
    e.interactive = dev != Dev::kPhone || rng.Chance(0.6);
    if (a.geo_moved_day >= 0 && ip.block == a.home.block && t < w.start + a.geo_moved_day * kMsPerDay) {
      e.vendor_place = static_cast<int32_t>(a.geo_old_place);
    }
    if (rng.Chance(0.025)) {  // a mistyped password first
      Event f = e;
      f.fail = true;
      f.interactive = true;
      f.t = t - rng.Int(20, 180) * kMsPerSecond;
      if (f.t >= w.start) out->push_back(f);
    }
    out->push_back(e);
  };

  if (!a.fraud) {
    const SimOrg& org = w.orgs[a.org];
    for (int day = 0; day < opt.days; ++day) {
      // Where is the person around local noon, and in which zone do they live today?
      TimeMs noon = w.start + day * kMsPerDay + 12 * kMsPerHour - w.OffsetMs(a.home_city, w.start + day * kMsPerDay);
      const SimTrip* trip = nullptr;
      for (const SimTrip& t : a.trips) {
        if (noon >= t.depart - 12 * kMsPerHour && noon <= t.arrive_back + 12 * kMsPerHour) trip = &t;
      }
      int city = a.home_city;
      if (trip && noon > trip->arrive && noon < trip->depart_back) city = trip->dest_city;
      TimeMs local_midnight = w.start + day * kMsPerDay - w.OffsetMs(city, w.start + day * kMsPerDay);
      int weekday = static_cast<int>(((w.start / kMsPerDay + day) % 7 + 7 + 3) % 7);  // 0 = Monday
      bool workday = weekday < 5 || (trip != nullptr && rng.Chance(0.3));
      // Location at a given time: in the air (no sign-in), at home, or at the destination.
      auto where = [&](TimeMs t, int* at) {
        *at = a.home_city;
        if (!trip) return true;
        if ((t >= trip->depart && t <= trip->arrive) || (t >= trip->depart_back && t <= trip->arrive_back)) return false;
        if (t > trip->arrive && t < trip->depart_back) *at = trip->dest_city;
        return true;
      };
      auto laptop_ip = [&](TimeMs t, int at) -> SimIp {
        if (at != a.home_city && trip) {
          if (trip->kind == "china_trip" && trip->vpn.valid() && rng.Chance(0.85)) return trip->vpn;
          return trip->hotel;
        }
        if (a.commuter && weekday >= 1 && weekday <= 3 && !org.egress.empty() && rng.Chance(0.7)) {
          return org.egress[rng.Below(org.egress.size())];
        }
        if ((a.lookalikes & kLkCorpVpnAbroad) && rng.Chance(0.5)) return org.vpn_abroad[0];
        if ((a.lookalikes & kLkPersonalVpn) && rng.Chance(0.35)) return a.personal_vpn;
        if ((a.lookalikes & kLkIpv6Flip) && rng.Chance(0.5)) return a.home6;
        return a.home;
      };
      auto phone_ip = [&](TimeMs t, int at) -> SimIp {
        if (at != a.home_city && trip) {
          if (trip->mobile.valid() && rng.Chance(0.6)) return trip->mobile;
          return trip->hotel;
        }
        if ((a.lookalikes & kLkPersonalVpn) && rng.Chance(0.25)) return a.personal_vpn;
        return rng.Chance(0.5) ? a.home : a.mobile;
      };
      int at = city;
      if (workday) {
        double start_h = std::clamp(rng.Normal(8.6, 0.8), 6.0, 11.5);
        TimeMs t0 = local_midnight + static_cast<TimeMs>(start_h * kMsPerHour) + rng.Below(60000);
        if (where(t0, &at)) push(t0, laptop_ip(t0, at), Dev::kLaptop, at);
        if (rng.Chance(0.35)) {
          TimeMs t1 = t0 + static_cast<TimeMs>(rng.Uniform(3, 7) * kMsPerHour);
          if (where(t1, &at)) push(t1, laptop_ip(t1, at), Dev::kLaptop, at);
        }
        if (rng.Chance(0.4)) {
          TimeMs t2 = local_midnight + static_cast<TimeMs>(rng.Uniform(7, 21.5) * kMsPerHour);
          if (where(t2, &at)) push(t2, phone_ip(t2, at), Dev::kPhone, at);
        }
      } else {
        if (rng.Chance(0.2)) {
          TimeMs t2 = local_midnight + static_cast<TimeMs>(rng.Uniform(9, 22) * kMsPerHour);
          if (where(t2, &at)) push(t2, phone_ip(t2, at), Dev::kPhone, at);
        }
        if (rng.Chance(0.05)) {
          TimeMs t3 = local_midnight + static_cast<TimeMs>(rng.Uniform(10, 20) * kMsPerHour);
          if (where(t3, &at)) push(t3, laptop_ip(t3, at), Dev::kLaptop, at);
        }
      }
    }
  } else {
    const SimOperator& op = w.operators[a.op];
    const SimFarm& farm = w.farms[a.farm];
    const bool hard = opt.difficulty == Difficulty::kHard;
    const bool easy = opt.difficulty == Difficulty::kEasy;
    for (int day = 0; day < opt.days; ++day) {
      TimeMs day0 = w.start + day * kMsPerDay;
      double tenure_days = static_cast<double>(day0 - a.hired) / kMsPerDay;
      // Careless moves are common in the first weeks after hire and rarer later.
      double careless = hard ? 0.0 : std::max(0.12, std::exp(-std::max(0.0, tenure_days) / 60.0)) * (easy ? 1.5 : 1.0);
      int weekday = static_cast<int>(((day0 / kMsPerDay) % 7 + 7 + 3) % 7);
      if (weekday == 6 || (weekday == 5 && !rng.Chance(0.4))) continue;
      bool us_hours = rng.Chance(op.us_hours_share);
      int zone_city = us_hours ? a.home_city : op.city;
      double start_h = us_hours ? std::clamp(rng.Normal(9.0, 0.7), 7.0, 11.0) : std::clamp(rng.Normal(9.5, 1.0), 7.0, 13.0);
      TimeMs t0 = day0 - w.OffsetMs(zone_city, day0) + static_cast<TimeMs>(start_h * kMsPerHour) + rng.Below(60000);
      // The laptop at the farm, driven remotely.
      push(t0, farm.ip, Dev::kLaptop, farm.city);
      if (rng.Chance(0.45)) {
        push(t0 + static_cast<TimeMs>(rng.Uniform(3, 7.5) * kMsPerHour), farm.ip, Dev::kLaptop, farm.city);
      }
      // The operator's own access: directly from home networks or phones in CN/RU ...
      if (!hard && rng.Chance(0.55 * careless)) {
        push(t0 + static_cast<TimeMs>(rng.Uniform(0.2, 6) * kMsPerHour), op.direct,
             rng.Chance(0.5) ? Dev::kPhone : Dev::kBrowser, op.city);
      }
      // ... or through a VPN / hosting exit or a rented residential proxy in the US.
      // The farm exists so that the work comes from the laptop: own sign-ins are
      // occasional (a phone check, a slip), not the daily routine.
      auto exit_ip = [&]() -> const SimIp& {
        return op.proxies.empty() ? op.vpn : op.proxies[rng.Below(op.proxies.size())];
      };
      if (rng.Chance(hard ? 0.3 : 0.2)) {
        push(t0 + static_cast<TimeMs>(rng.Uniform(0.1, 7) * kMsPerHour), exit_ip(), Dev::kBrowser, op.city);
      }
      if (rng.Chance(0.15)) {
        push(t0 + static_cast<TimeMs>(rng.Uniform(0.1, 8) * kMsPerHour), hard ? exit_ip() : op.direct, Dev::kPhone,
             op.city);
      }
    }
  }
  std::sort(out->begin() + first, out->end(), [](const Event& x, const Event& y) { return x.t < y.t; });
}

// ---------------------------------------------------------------- per-organisation output

struct AppInfo {
  const char* app_id;
  const char* app_name;
  const char* resource_name;
  const char* resource_id;
};
const AppInfo kApps[] = {
    {"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"},
    {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"},
    {"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"},
    {"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"},
};
const AppInfo kAuthenticatorApp = {"4813382a-8fa7-425e-ab75-3b753aab3abb", "Microsoft Authenticator App",
                                   "Microsoft Graph", "00000003-0000-0000-c000-000000000000"};

struct OrgOutput {
  std::vector<ImpossibleLeg> legs;
  uint64_t signins = 0, osquery_lines = 0, mdm_rows = 0, mfa_events = 0, bytes = 0;
  Status status;
};

const GeoPlace& PlaceOf(const World& w, const Event& e) {
  if (e.vendor_place >= 0) return w.ips->place(static_cast<uint32_t>(e.vendor_place));
  return w.ips->place(w.ips->block(e.block).place);
}

void AppendEntra(const World& w, const Event& e, Rng& rng, std::string* o) {
  const SimAccount& a = w.accounts[e.account];
  const SimDevice& lt = w.devices[a.laptop];
  const GeoPlace& pl = PlaceOf(w, e);
  const AppInfo& app = e.device == Dev::kPhone ? kAuthenticatorApp : kApps[rng.Below(4)];
  o->append("{\"id\":\"");
  o->append(Guid(rng));
  o->append("\",\"createdDateTime\":\"");
  AppendIso(o, e.t, rng.Chance(0.5) ? 7 : 0, static_cast<uint32_t>(rng.Below(10000)));
  o->append("\",\"userDisplayName\":");
  Str(o, a.display_name);
  o->append(",\"userPrincipalName\":");
  Str(o, a.upn);
  o->append(",\"userId\":\"");
  o->append(a.user_id);
  o->append("\",\"appId\":\"");
  o->append(app.app_id);
  o->append("\",\"appDisplayName\":\"");
  o->append(app.app_name);
  o->append("\",\"ipAddress\":\"");
  o->append(e.ip.ToString());
  o->append("\",\"clientAppUsed\":\"");
  o->append(e.device == Dev::kBrowser ? "Browser" : "Mobile Apps and Desktop clients");
  o->append("\",\"correlationId\":\"");
  o->append(Guid(rng));
  o->append("\",\"conditionalAccessStatus\":\"");
  o->append(e.fail ? "notApplied" : "success");
  o->append("\",\"isInteractive\":");
  o->append(e.interactive ? "true" : "false");
  o->append(",\"riskDetail\":\"none\",\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"none\","
            "\"riskState\":\"none\",\"riskEventTypes\":[],\"resourceDisplayName\":\"");
  o->append(app.resource_name);
  o->append("\",\"resourceId\":\"");
  o->append(app.resource_id);
  if (e.fail) {
    o->append("\",\"status\":{\"errorCode\":50126,\"failureReason\":\"Error validating credentials due to invalid "
              "username or password.\",\"additionalDetails\":\"The user didn't enter the right credentials. It's "
              "expected to see some number of these errors in your logs due to users making mistakes.\"},");
  } else {
    o->append("\",\"status\":{\"errorCode\":0,\"failureReason\":null,\"additionalDetails\":null},");
  }
  o->append("\"deviceDetail\":{");
  if (e.device == Dev::kLaptop) {
    o->append("\"deviceId\":\"");
    o->append(lt.id);
    o->append("\",\"displayName\":");
    Str(o, lt.hostname);
    o->append(",\"operatingSystem\":\"Windows 10\",\"browser\":\"Edge 124.0.2478\",\"isCompliant\":true,"
              "\"isManaged\":true,\"trustType\":\"Azure AD joined\"},");
  } else if (e.device == Dev::kPhone) {
    const SimDevice& ph = w.devices[a.phone];
    o->append("\"deviceId\":\"\",\"displayName\":null,\"operatingSystem\":\"");
    o->append(ph.hostname == "iPhone" ? "Ios 17.4" : "Android 14");
    o->append("\",\"browser\":\"");
    o->append(ph.hostname == "iPhone" ? "Mobile Safari" : "Chrome Mobile 124.0.6367");
    o->append("\",\"isCompliant\":null,\"isManaged\":null,\"trustType\":null},");
  } else {
    o->append("\"deviceId\":\"\",\"displayName\":null,\"operatingSystem\":\"Windows 10\",\"browser\":\"Chrome "
              "124.0.6367\",\"isCompliant\":null,\"isManaged\":null,\"trustType\":null},");
  }
  o->append("\"location\":{\"city\":");
  Str(o, pl.city);
  o->append(",\"state\":");
  Str(o, pl.region);
  o->append(",\"countryOrRegion\":");
  Str(o, pl.country);
  o->append(",\"geoCoordinates\":{\"altitude\":null,\"latitude\":");
  Dbl(o, pl.lat);
  o->append(",\"longitude\":");
  Dbl(o, pl.lon);
  o->append("}},\"appliedConditionalAccessPolicies\":[{\"id\":\"de7e60eb-ed89-4d73-8205-2227def6b7c9\","
            "\"displayName\":\"Require MFA for all users\",\"enforcedGrantControls\":[\"Mfa\"],"
            "\"enforcedSessionControls\":[],\"result\":\"");
  o->append(e.fail ? "notApplied" : "success");
  o->append("\"}]}\n");
}

void AppendOktaGeo(const World& w, const GeoPlace& pl, std::string* o) {
  o->append("{\"city\":");
  Str(o, pl.city);
  o->append(",\"state\":");
  Str(o, pl.region);
  o->append(",\"country\":");
  Str(o, w.catalog->CountryName(pl.country));
  o->append(",\"postalCode\":");
  if (pl.postcode.empty()) o->append("null");
  else Str(o, pl.postcode);
  o->append(",\"geolocation\":{\"lat\":");
  Dbl(o, pl.lat);
  o->append(",\"lon\":");
  Dbl(o, pl.lon);
  o->append("}}");
}

void AppendOktaActor(const SimAccount& a, std::string* o) {
  o->append("{\"actor\":{\"id\":\"");
  o->append(OktaId("00u", HashStr(a.user_id)));
  o->append("\",\"type\":\"User\",\"alternateId\":");
  Str(o, a.upn);
  o->append(",\"displayName\":");
  Str(o, a.display_name);
  o->append(",\"detailEntry\":null},");
}

void AppendOktaClient(const World& w, const Event& e, const GeoPlace& pl, std::string* o) {
  const SimAccount& a = w.accounts[e.account];
  const SimDevice& ph = w.devices[a.phone];
  const char* ua;
  const char* os;
  const char* browser;
  const char* kind;
  if (e.device == Dev::kLaptop) {
    ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
         "Safari/537.36 Edg/124.0.0.0";
    os = "Windows 10";
    browser = "EDGE";
    kind = "Computer";
  } else if (e.device == Dev::kPhone && ph.hostname == "iPhone") {
    ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.4 Mobile/15E148 Safari/604.1";
    os = "iOS";
    browser = "MOBILE_SAFARI";
    kind = "Mobile";
  } else if (e.device == Dev::kPhone) {
    ua = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 "
         "Mobile Safari/537.36";
    os = "Android";
    browser = "CHROME";
    kind = "Mobile";
  } else {
    ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
         "Safari/537.36";
    os = "Windows 10";
    browser = "CHROME";
    kind = "Computer";
  }
  o->append("\"client\":{\"userAgent\":{\"rawUserAgent\":\"");
  o->append(ua);
  o->append("\",\"os\":\"");
  o->append(os);
  o->append("\",\"browser\":\"");
  o->append(browser);
  o->append("\"},\"zone\":null,\"device\":\"");
  o->append(kind);
  o->append("\",\"id\":null,\"ipAddress\":\"");
  o->append(e.ip.ToString());
  o->append("\",\"geographicalContext\":");
  AppendOktaGeo(w, pl, o);
  o->append("},");
}

void AppendOktaTail(const World& w, const Event& e, const GeoPlace& pl, Rng& rng, std::string* o) {
  const NetBlock& blk = w.ips->block(e.block);
  o->append("\"securityContext\":{\"asNumber\":");
  Num(o, blk.asn);
  o->append(",\"asOrg\":");
  Str(o, w.ips->AsOrg(blk.asn));
  o->append(",\"isp\":");
  // Blocks drawn from a CIDR catalogue carry the catalogue's name; Okta names the network's owner.
  Str(o, blk.label.rfind("X4BNet", 0) == 0 ? w.ips->AsOrg(blk.asn) : blk.label);
  o->append(",\"domain\":null,\"isProxy\":");
  o->append(blk.kind == NetKind::kVpn || blk.kind == NetKind::kHosting ? "true" : "false");
  o->append("},\"severity\":\"INFO\",\"debugContext\":{\"debugData\":{\"requestId\":\"");
  o->append(Hex(rng, 32));
  o->append("\",\"requestUri\":\"/idp/idx/authenticators/poll\",\"url\":\"/idp/idx/authenticators/poll\"}},");
}

void AppendOkta(const World& w, const Event& e, Rng& rng, std::string* o) {
  const SimAccount& a = w.accounts[e.account];
  const SimDevice& dev = w.devices[e.device == Dev::kPhone ? a.phone : a.laptop];
  const GeoPlace& pl = PlaceOf(w, e);
  AppendOktaActor(a, o);
  AppendOktaClient(w, e, pl, o);
  o->append("\"device\":{\"id\":");
  if (e.device == Dev::kBrowser) {
    o->append("null,\"name\":null,\"os_platform\":null,\"os_version\":null,\"managed\":false,\"registered\":false,");
  } else {
    o->append("\"");
    o->append(OktaId("guo", HashStr(dev.id)));
    o->append("\",\"name\":");
    Str(o, dev.hostname);
    o->append(e.device == Dev::kLaptop ? ",\"os_platform\":\"WINDOWS\",\"os_version\":\"10.0.22631\",\"managed\":true,"
                                        : (dev.hostname == "iPhone"
                                               ? ",\"os_platform\":\"IOS\",\"os_version\":\"17.4.1\",\"managed\":false,"
                                               : ",\"os_platform\":\"ANDROID\",\"os_version\":\"14\",\"managed\":false,"));
    o->append("\"registered\":true,");
  }
  o->append("\"device_integrator\":null,\"disk_encryption_type\":\"ALL_INTERNAL_VOLUMES\",\"screen_lock_type\":"
            "\"BIOMETRIC\",\"jailbreak\":null,\"secure_hardware_present\":true},");
  std::string session = "idx" + Hex(rng, 22);
  o->append("\"authenticationContext\":{\"authenticationProvider\":null,\"credentialProvider\":null,"
            "\"credentialType\":null,\"issuer\":null,\"interface\":null,\"authenticationStep\":0,\"rootSessionId\":\"");
  o->append(session);
  o->append("\",\"externalSessionId\":\"");
  o->append(session);
  o->append("\"},\"displayMessage\":\"User login to Okta\",\"eventType\":\"user.session.start\",\"outcome\":{");
  o->append(e.fail ? "\"result\":\"FAILURE\",\"reason\":\"INVALID_CREDENTIALS\"}" : "\"result\":\"SUCCESS\",\"reason\":null}");
  o->append(",\"published\":\"");
  AppendIso(o, e.t, 3);
  o->append("\",");
  AppendOktaTail(w, e, pl, rng, o);
  o->append("\"legacyEventType\":\"");
  o->append(e.fail ? "core.user_auth.login_failed" : "core.user_auth.login_success");
  o->append("\",\"transaction\":{\"type\":\"WEB\",\"id\":\"");
  o->append(Hex(rng, 32));
  o->append("\",\"detail\":null},\"uuid\":\"");
  o->append(Guid(rng));
  o->append("\",\"version\":0,\"request\":{\"ipChain\":[{\"ip\":\"");
  o->append(e.ip.ToString());
  o->append("\",\"geographicalContext\":");
  AppendOktaGeo(w, pl, o);
  o->append(e.ip.is_v4 ? ",\"version\":\"V4\",\"source\":null}]}," : ",\"version\":\"V6\",\"source\":null}]},");
  o->append("\"target\":[{\"id\":\"");
  o->append(OktaId("pfd", HashStr(a.authenticator_id)));
  o->append("\",\"type\":\"AuthenticatorEnrollment\",\"alternateId\":\"unknown\",\"displayName\":\"Okta Verify\","
            "\"detailEntry\":null},{\"id\":\"0oatxlef9sQvvqInq5d6\",\"type\":\"AppInstance\",\"alternateId\":"
            "\"Microsoft Office 365\",\"displayName\":\"Microsoft Office 365\",\"detailEntry\":null}]}\n");
}

// MFA registrations at hire: an SMS phone and an authenticator app.
void AppendMfa(const World& w, int ai, Rng& rng, std::string* o) {
  const SimAccount& a = w.accounts[ai];
  const SimOrg& org = w.orgs[a.org];
  TimeMs t = std::max(a.hired, a.hired) + static_cast<TimeMs>(rng.Uniform(9, 11) * kMsPerHour);
  const SimIp& ip = a.fraud ? w.operators[a.op].vpn : a.home;
  const SimDevice& ph = w.devices[a.phone];
  if (org.entra) {
    for (int k = 0; k < 2; ++k) {
      o->append("{\"id\":\"Authentication Methods_");
      o->append(Hex(rng, 8));
      o->append("\",\"category\":\"UserManagement\",\"correlationId\":\"");
      o->append(Guid(rng));
      o->append("\",\"result\":\"success\",\"resultReason\":\"");
      o->append(k == 0 ? "User registered Mobile Phone SMS" : "User registered Authenticator App with Notification and Code");
      o->append("\",\"activityDisplayName\":\"User registered security info\",\"activityDateTime\":\"");
      AppendIso(o, t + k * 60000, 7, static_cast<uint32_t>(rng.Below(10000)));
      o->append("\",\"loggedByService\":\"Authentication Methods\",\"operationType\":\"Add\",\"initiatedBy\":{\"app\":"
                "null,\"user\":{\"id\":\"");
      o->append(a.user_id);
      o->append("\",\"displayName\":null,\"userPrincipalName\":");
      Str(o, a.upn);
      o->append(",\"ipAddress\":\"");
      o->append(ip.valid() ? ip.ip.ToString() : "");
      o->append("\",\"userType\":null,\"homeTenantId\":null,\"homeTenantName\":null}},\"targetResources\":[{\"id\":\"");
      o->append(a.user_id);
      o->append("\",\"displayName\":null,\"type\":\"User\",\"userPrincipalName\":");
      Str(o, a.upn);
      o->append(",\"groupType\":null,\"modifiedProperties\":[]}],\"additionalDetails\":[");
      if (k == 0) {
        o->append("{\"key\":\"PhoneNumber\",\"value\":");
        Str(o, a.mfa_phone);
        o->append("}");
      } else {
        o->append("{\"key\":\"DeviceId\",\"value\":\"");
        o->append(a.authenticator_id);
        o->append("\"},{\"key\":\"DeviceName\",\"value\":");
        Str(o, ph.hostname);
        o->append("}");
      }
      o->append("]}\n");
    }
  } else {
    Event e;
    e.t = t;
    e.account = ai;
    e.ip = ip.ip;
    e.block = ip.valid() ? ip.block : w.accounts[ai].home.block;
    e.device = Dev::kPhone;
    const GeoPlace& pl = PlaceOf(w, e);
    for (int k = 0; k < 2; ++k) {
      AppendOktaActor(a, o);
      AppendOktaClient(w, e, pl, o);
      o->append(k == 0 ? "\"displayMessage\":\"Send phone verification SMS message\",\"eventType\":"
                         "\"system.sms.send_phone_verification_message\","
                       : "\"displayMessage\":\"Add device to user\",\"eventType\":\"device.user.add\",");
      o->append("\"outcome\":{\"result\":\"SUCCESS\",\"reason\":null},\"published\":\"");
      AppendIso(o, t + k * 60000, 3);
      o->append("\",");
      AppendOktaTail(w, e, pl, rng, o);
      o->append("\"transaction\":{\"type\":\"WEB\",\"id\":\"");
      o->append(Hex(rng, 32));
      o->append("\",\"detail\":null},\"uuid\":\"");
      o->append(Guid(rng));
      o->append("\",\"version\":0,\"target\":[{\"id\":\"");
      if (k == 0) {
        o->append(OktaId("00u", HashStr(a.user_id)));
        o->append("\",\"type\":\"User\",\"alternateId\":");
        Str(o, a.upn);
        o->append(",\"displayName\":");
        Str(o, a.display_name);
        o->append(",\"detailEntry\":{\"phoneNumber\":");
        Str(o, a.mfa_phone);
        o->append("}}]}\n");
      } else {
        o->append(OktaId("guo", HashStr(a.authenticator_id)));
        o->append("\",\"type\":\"Device\",\"alternateId\":\"");
        o->append(a.authenticator_id);
        o->append("\",\"displayName\":");
        Str(o, ph.hostname);
        o->append(",\"detailEntry\":null}]}\n");
      }
    }
  }
}

// osquery result-log lines of one laptop: snapshots at provisioning, events for later changes.
void AppendOsquery(const World& w, int di, Rng& rng, std::string* o, uint64_t* lines) {
  const SimDevice& d = w.devices[di];
  const SimAccount& a = w.accounts[d.account];
  const SimCatalog& cat = *w.catalog;
  TimeMs t0 = std::max(w.start, a.hired) + static_cast<TimeMs>(rng.Uniform(8, 12) * kMsPerHour);
  auto head = [&](const char* name, TimeMs t) {
    o->append("{\"name\":\"");
    o->append(name);
    o->append("\",\"hostIdentifier\":");
    Str(o, d.hostname);
    o->append(",\"calendarTime\":\"");
    AppendCalendarTime(o, t);
    o->append("\",\"unixTime\":");
    Num(o, t / 1000);
    o->append(",\"epoch\":0,\"counter\":0,\"numerics\":false,\"decorations\":{\"host_uuid\":\"");
    o->append(d.id);
    o->append("\",\"hostname\":");
    Str(o, d.hostname);
    o->append(",\"hardware_serial\":\"");
    o->append(d.serial);
    o->append("\",\"username\":");
    Str(o, a.upn);
    o->append("},");
    ++*lines;
  };
  auto program = [&](const SimSoftware& s, TimeMs t) {
    o->append("{\"name\":");
    Str(o, s.name);
    o->append(",\"version\":");
    Str(o, s.version);
    o->append(",\"publisher\":");
    Str(o, s.publisher);
    o->append(",\"install_location\":");
    std::string loc = s.path.substr(0, s.path.rfind('\\'));
    Str(o, loc);
    o->append(",\"install_date\":\"");
    std::string iso = Iso(t);
    o->append(iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2));
    o->append("\"}");
  };
  auto process = [&](const SimSoftware& s, int pid) {
    o->append("{\"pid\":\"");
    Num(o, pid);
    o->append("\",\"name\":");
    Str(o, s.process);
    o->append(",\"path\":");
    Str(o, s.path);
    o->append(",\"cmdline\":");
    Str(o, "\"" + s.path + "\"");
    o->append("}");
  };
  // programs snapshot
  head("pack_inventory_programs", t0);
  o->append("\"snapshot\":[");
  TimeMs image_time = t0 - 3 * kMsPerDay;
  for (size_t i = 0; i < d.software.size(); ++i) {
    if (i) o->push_back(',');
    program(cat.software[d.software[i]], image_time);
  }
  o->append("],\"action\":\"snapshot\"}\n");
  // processes snapshot
  head("pack_inventory_processes", t0 + 60000);
  o->append("\"snapshot\":[");
  for (size_t i = 0; i < d.software.size(); ++i) {
    if (i) o->push_back(',');
    process(cat.software[d.software[i]], 1000 + static_cast<int>(rng.Below(30000)));
  }
  o->append("],\"action\":\"snapshot\"}\n");
  // usb snapshot
  head("pack_inventory_usb_devices", t0 + 120000);
  o->append("\"snapshot\":[");
  for (size_t i = 0; i < d.usb.size(); ++i) {
    const SimUsbModel& u = cat.usb[d.usb[i]];
    if (i) o->push_back(',');
    o->append("{\"usb_address\":\"");
    Num(o, 2 + static_cast<int>(i));
    o->append("\",\"usb_port\":\"");
    Num(o, 1 + static_cast<int>(i));
    o->append("\",\"vendor\":");
    Str(o, u.vendor);
    o->append(",\"vendor_id\":\"");
    o->append(u.vendor_id);
    o->append("\",\"model\":");
    Str(o, u.model);
    o->append(",\"model_id\":\"");
    o->append(u.model_id);
    o->append("\",\"serial\":\"");
    o->append(Hex(rng, 12));
    o->append("\",\"class\":\"");
    o->append(u.usb_class);
    o->append("\",\"removable\":\"1\"}");
  }
  o->append("],\"action\":\"snapshot\"}\n");
  // time snapshot
  head("pack_inventory_time", t0 + 180000);
  o->append("\"snapshot\":[{\"local_timezone\":");
  Str(o, d.tz);
  o->append(",\"timezone\":\"UTC\",\"unix_time\":\"");
  Num(o, (t0 + 180000) / 1000);
  o->append("\",\"datetime\":\"");
  AppendIso(o, t0 + 180000, 0);
  o->append("\"}],\"action\":\"snapshot\"}\n");
  // Later changes: remote-control tools and VPN clients installed and started; an IP-KVM plugged in.
  TimeMs t = t0;
  for (int s : d.rmm) {
    t += static_cast<TimeMs>(rng.Uniform(0.3, 4.0) * kMsPerDay);
    head("pack_inventory_programs", t);
    o->append("\"columns\":");
    program(cat.software[s], t);
    o->append(",\"action\":\"added\"}\n");
    head("pack_inventory_processes", t + 90000);
    o->append("\"columns\":");
    process(cat.software[s], 1000 + static_cast<int>(rng.Below(30000)));
    o->append(",\"action\":\"added\"}\n");
  }
  if (d.kvm >= 0) {
    const SimKvmModel& k = cat.kvm[d.kvm];
    TimeMs tk = t0 + static_cast<TimeMs>(rng.Uniform(0.5, 3.0) * kMsPerDay);
    head("pack_inventory_usb_devices", tk);
    o->append("\"columns\":{\"usb_address\":\"7\",\"usb_port\":\"3\",\"vendor\":");
    Str(o, k.manufacturer);
    o->append(",\"vendor_id\":\"");
    o->append(k.vendor_id);
    o->append("\",\"model\":");
    Str(o, k.product);
    o->append(",\"model_id\":\"");
    o->append(k.product_id);
    o->append("\",\"serial\":");
    Str(o, k.serial);
    o->append(",\"class\":\"3\",\"removable\":\"1\"},\"action\":\"added\"}\n");
  }
}

void GenerateOrg(const World& w, int org, const std::string& out_dir, OrgOutput* result) {
  const SimOrg& o = w.orgs[org];
  const SimCatalog& cat = *w.catalog;
  std::vector<int> accounts;
  for (size_t i = 0; i < w.accounts.size(); ++i) {
    if (w.accounts[i].org == org) accounts.push_back(static_cast<int>(i));
  }
  std::vector<Event> events;
  events.reserve(accounts.size() * w.options.days * 2);
  for (int ai : accounts) {
    size_t first = events.size();
    GenerateAccount(w, ai, &events);
    // Truth: legs of this account that no aircraft could fly (> 900 km/h over > 500 km).
    const SimAccount& a = w.accounts[ai];
    if (!a.fraud && a.lookalikes == 0) continue;
    for (size_t k = first + 1; k < events.size(); ++k) {
      const Event& p = events[k - 1];
      const Event& q = events[k];
      if (p.fail || q.fail) continue;
      const GeoPlace& g1 = w.ips->place(w.ips->block(p.block).place);
      const GeoPlace& g2 = w.ips->place(w.ips->block(q.block).place);
      double km = HaversineKm(g1.lat, g1.lon, g2.lat, g2.lon);
      double h = std::max(1.0 / 60, static_cast<double>(q.t - p.t) / kMsPerHour);
      if (km > 500 && km / h > 900) {
        result->legs.push_back({ai, p.t, q.t, p.ip.ToString(), q.ip.ToString(), g1.city + ", " + g1.country,
                                g2.city + ", " + g2.country, km, km / h});
      }
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    return x.t != y.t ? x.t < y.t : x.account < y.account;
  });
  result->signins = events.size();

  Rng rng(MixSeed(w.options.seed, 77000 + org));
  OutFile signins, mdm, osq, mfa;
  result->status = signins.Open(out_dir + "/signins/" + o.id + (o.entra ? ".entra.jsonl" : ".okta.jsonl"));
  if (result->status.ok()) result->status = mdm.Open(out_dir + "/devices/mdm_" + o.id + ".csv");
  if (result->status.ok()) result->status = osq.Open(out_dir + "/devices/osquery_" + o.id + ".jsonl");
  if (result->status.ok()) {
    result->status = mfa.Open(out_dir + "/mfa/" + o.id + (o.entra ? ".entra_audit.jsonl" : ".okta.jsonl"));
  }
  if (!result->status.ok()) return;
  mdm.buf().append("device_id,user,serial,hostname,time,public_ip,bssid,latitude,longitude,timezone\n");
  std::unordered_map<int, int> last_checkin_day;
  for (const Event& e : events) {
    if (o.entra) AppendEntra(w, e, rng, &signins.buf());
    else AppendOkta(w, e, rng, &signins.buf());
    signins.MaybeFlush();
    if (e.device != Dev::kLaptop || e.fail) continue;
    int day = static_cast<int>((e.t - w.start) / kMsPerDay);
    auto [it, inserted] = last_checkin_day.emplace(e.account, day);
    if (!inserted && it->second == day) continue;
    it->second = day;
    // MDM check-in a few minutes after the first sign-in of the day.
    const SimAccount& a = w.accounts[e.account];
    const SimDevice& d = w.devices[a.laptop];
    const SimCity& c = cat.cities[e.true_city];
    std::string& m = mdm.buf();
    m.append(d.id);
    m.push_back(',');
    CsvField(&m, a.upn);
    m.push_back(',');
    m.append(d.serial);
    m.push_back(',');
    m.append(d.hostname);
    m.push_back(',');
    AppendIso(&m, e.t + rng.Int(1, 15) * 60000, 0);
    m.push_back(',');
    m.append(e.ip.ToString());
    m.push_back(',');
    std::string bssid = a.bssid;
    if (e.true_city != a.home_city && !a.fraud) bssid = "02:00:5e:" + Hex(rng, 2) + ":" + Hex(rng, 2) + ":" + Hex(rng, 2);
    if (!a.fraud && !w.orgs[a.org].egress.empty() && e.block == w.orgs[a.org].egress[0].block) bssid = "00:1a:1e:00:00:01";
    m.append(bssid);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, ",%.5f,%.5f,", c.lat + rng.Uniform(-0.05, 0.05), c.lon + rng.Uniform(-0.05, 0.05));
    m.append(buf, n);
    m.append(d.tz);
    m.push_back('\n');
    ++result->mdm_rows;
    mdm.MaybeFlush();
  }
  for (int ai : accounts) {
    AppendMfa(w, ai, rng, &mfa.buf());
    result->mfa_events += 2;
    mfa.MaybeFlush();
    AppendOsquery(w, w.accounts[ai].laptop, rng, &osq.buf(), &result->osquery_lines);
    osq.MaybeFlush();
  }
  result->bytes = signins.bytes() + mdm.bytes() + osq.bytes() + mfa.bytes();
  for (OutFile* f : {&signins, &mdm, &osq, &mfa}) {
    Status st = f->Close();
    if (!st.ok() && result->status.ok()) result->status = st;
  }
}

// ---------------------------------------------------------------- people, orgs, truth

// "hr-org1-000042": the people record id of account i from source `prefix`.
std::string PeopleRecordId(const char* prefix, const World& w, size_t i) {
  char id[64];
  std::snprintf(id, sizeof id, "%s-%s-%06zu", prefix, w.orgs[w.accounts[i].org].id.c_str(), i + 1);
  return id;
}

Status WritePeople(const World& w, const std::string& out_dir, uint64_t* rows, uint64_t* bytes) {
  OutFile f;
  IMPOSTOR_RETURN_IF_ERROR(f.Open(out_dir + "/people.csv"));
  std::string& o = f.buf();
  o.append("record_id,source,org,user,full_name,given_name,family_name,email,phone,address,city,region,postcode,"
           "country,ship_to,dob,national_id,bank_account,payout,photo,github,linkedin,hired,ended,timezone,referrer\n");
  const SimCatalog& cat = *w.catalog;
  auto row = [&](std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view v : fields) {
      if (!first) o.push_back(',');
      first = false;
      CsvField(&o, v);
    }
    o.push_back('\n');
    ++*rows;
    f.MaybeFlush();
  };
  // Applications first (ATS), then HR and payroll of each hire.
  for (const SimApplication& app : w.applications) {
    const SimPerson& p = w.people[app.person];
    const SimCity& c = cat.cities[p.city];
    std::string handle = app.email.substr(0, app.email.find('@'));
    for (char& ch : handle) if (ch == '.' || ch == '_') ch = '-';
    row({app.record_id, "ats", w.orgs[app.org].id, "", app.full_name, app.given, app.family, app.email, app.phone,
         p.address, c.name, c.region, p.postcode, c.country, "", p.dob, "", "", "", app.photo,
         "https://github.com/" + handle, "https://www.linkedin.com/in/" + handle, "", "", c.timezone, ""});
  }
  for (size_t i = 0; i < w.accounts.size(); ++i) {
    const SimAccount& a = w.accounts[i];
    const SimPerson& p = w.people[a.person];
    const SimCity& c = cat.cities[a.home_city];
    const SimApplication& app = w.applications[a.ats_record];
    std::string id = PeopleRecordId("hr", w, i);
    std::string ship_to = a.fraud ? w.farms[a.farm].address + ", " + cat.cities[w.farms[a.farm].city].name
                                  : p.address + ", " + c.name;
    std::string referrer;
    if (a.fraud) {  // the first hire of an operator at an organisation often refers the next
      for (int other : w.operators[a.op].accounts) {
        if (other < static_cast<int>(i) && w.accounts[other].org == a.org) {
          referrer = w.accounts[other].upn;
          break;
        }
      }
    }
    std::string hired = Iso(a.hired).substr(0, 10);
    row({id, "hr", w.orgs[a.org].id, a.upn, app.full_name, app.given, app.family, app.email, app.phone, p.address,
         c.name, c.region, p.postcode, c.country, ship_to, p.dob, p.national_id, "", "", app.photo, "", "", hired, "",
         c.timezone, referrer});
    id = PeopleRecordId("pay", w, i);
    row({id, "payroll", w.orgs[a.org].id, a.upn, app.full_name, app.given, app.family, "", "", p.address, c.name,
         c.region, p.postcode, c.country, "", "", p.national_id, a.bank, a.payout, "", "", "", hired, "", "", ""});
    if (a.lookalikes & kLkTwoJobs) {
      // An honest second job: the same person on another employer's HR and payroll,
      // paid into the same account; that employer has no telemetry here.
      const std::string second = "moonlight-" + std::to_string(i % 7);
      const std::string since = Iso(a.hired - 200 * kMsPerDay).substr(0, 10);
      row({PeopleRecordId("hr2", w, i), "hr", second, "", app.full_name, app.given, app.family, app.email, app.phone,
           p.address, c.name, c.region, p.postcode, c.country, "", p.dob, p.national_id, "", "", "", "", "", since, "",
           c.timezone, ""});
      row({PeopleRecordId("pay2", w, i), "payroll", second, "", app.full_name, app.given, app.family, "", "", p.address,
           c.name, c.region, p.postcode, c.country, "", "", p.national_id, a.bank, "", "", "", "", since, "", "", ""});
    }
  }
  *bytes += f.bytes();
  return f.Close();
}

Status WriteOrgs(const World& w, const std::string& out_dir) {
  OutFile f;
  IMPOSTOR_RETURN_IF_ERROR(f.Open(out_dir + "/orgs.csv"));
  std::string& o = f.buf();
  o.append("org,name,domain,tenant_id,idp,hq_city,egress_cidrs,vpn_egress_cidrs\n");
  for (const SimOrg& org : w.orgs) {
    std::string egress, vpn;
    for (const SimIp& ip : org.egress) egress += (egress.empty() ? "" : ";") + ip.ip.ToString() + "/32";
    for (const SimIp& ip : org.vpn_abroad) vpn += (vpn.empty() ? "" : ";") + ip.ip.ToString() + "/32";
    o.append(org.id + "," + org.name + "," + org.domain + "," + org.tenant_id + "," + (org.entra ? "entra" : "okta") +
             "," + w.catalog->cities[org.hq_city].name + "," + egress + "," + vpn + "\n");
  }
  IMPOSTOR_RETURN_IF_ERROR(f.Close());

  // The scan config each organisation's security team would write: its own egress
  // (offices and the corporate VPN, including exits abroad) as organisation egress.
  OutFile y;
  IMPOSTOR_RETURN_IF_ERROR(y.Open(out_dir + "/impostor.yaml"));
  std::string& c = y.buf();
  c.append("# impostor scan config for this world: the organisations' own egress ranges.\n"
           "# Use it as: impostor scan --config impostor.yaml ...\nnetworks:\n  org_egress:\n");
  for (const SimOrg& org : w.orgs) {
    std::string cidrs;
    for (const SimIp& ip : org.egress) cidrs += (cidrs.empty() ? "" : ", ") + ip.ip.ToString() + "/32";
    for (const SimIp& ip : org.vpn_abroad) cidrs += (cidrs.empty() ? "" : ", ") + ip.ip.ToString() + "/32";
    if (cidrs.empty()) continue;
    c.append("    - name: " + org.id + "-egress\n      cidrs: [" + cidrs + "]\n");
  }
  return y.Close();
}

Status WriteTruth(const World& w, const std::vector<ImpossibleLeg>& legs, const std::string& out_dir, uint64_t* bytes) {
  OutFile f;
  IMPOSTOR_RETURN_IF_ERROR(f.Open(out_dir + "/truth.json"));
  const SimCatalog& cat = *w.catalog;
  std::string& o = f.buf();
  JsonWriter j(&o);
  const SimOptions& opt = w.options;
  j.BeginObject();
  j.Field("generator", "impostor simulate");
  j.Key("options");
  j.BeginObject();
  j.Field("seed", static_cast<uint64_t>(opt.seed));
  j.Field("employees", opt.employees);
  j.Field("days", opt.days);
  j.Field("orgs", opt.orgs);
  j.Field("fraud_rate", opt.fraud_rate);
  j.Field("difficulty", DifficultyName(opt.difficulty));
  j.EndObject();
  j.Field("start", Iso(w.start));
  j.Field("end", Iso(w.end));
  j.Key("orgs");
  j.BeginArray();
  for (const SimOrg& org : w.orgs) {
    j.BeginObject();
    j.Field("id", org.id);
    j.Field("domain", org.domain);
    j.Field("idp", org.entra ? "entra" : "okta");
    j.Field("hq_city", cat.cities[org.hq_city].name);
    j.Key("egress");
    j.BeginArray();
    for (const SimIp& ip : org.egress) j.String(ip.ip.ToString());
    j.EndArray();
    j.Key("vpn_abroad");
    j.BeginArray();
    for (const SimIp& ip : org.vpn_abroad) j.String(ip.ip.ToString());
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.Key("accounts");
  j.BeginArray();
  for (size_t i = 0; i < w.accounts.size(); ++i) {
    const SimAccount& a = w.accounts[i];
    j.BeginObject();
    j.Field("account", a.upn);
    j.Field("org", w.orgs[a.org].id);
    j.Field("person", w.people[a.person].id);
    j.Field("label", a.fraud ? "fraud" : "legit");
    j.Field("hired", Iso(a.hired));
    j.Field("home_city", cat.cities[a.home_city].name);
    j.Key("devices");
    j.BeginArray();
    j.String(w.devices[a.laptop].id);
    j.String(w.devices[a.phone].id);
    j.EndArray();
    j.Key("records");
    j.BeginArray();
    j.String(w.applications[a.ats_record].record_id);
    j.String(PeopleRecordId("hr", w, i));
    j.String(PeopleRecordId("pay", w, i));
    j.EndArray();
    j.Key("lookalikes");
    j.BeginArray();
    for (int b = 0; b < kLookalikeKinds; ++b) {
      if (a.lookalikes & (1u << b)) j.String(LookalikeName(b));
    }
    j.EndArray();
    if (a.fraud) {
      const SimPersona& p = w.personas[a.persona];
      j.Key("scheme");
      j.BeginObject();
      j.Field("farm", w.farms[a.farm].id);
      j.Field("persona", p.id);
      j.Field("operator", w.operators[a.op].id);
      j.Field("rented_identity", p.kind == "rented");
      j.Field("operator_city", cat.cities[w.operators[a.op].city].name);
      j.EndObject();
    }
    j.EndObject();
  }
  j.EndArray();
  j.Key("persons");
  j.BeginArray();
  for (const SimPerson& p : w.people) {
    j.BeginObject();
    j.Field("id", p.id);
    j.Field("kind", p.kind);
    j.Field("label", p.fraud ? "fraud" : "legit");
    j.EndObject();
  }
  j.EndArray();
  j.Key("devices");
  j.BeginArray();
  for (const SimDevice& d : w.devices) {
    const SimAccount& a = w.accounts[d.account];
    j.BeginObject();
    j.Field("id", d.id);
    j.Field("hostname", d.hostname);
    j.Field("kind", d.kind);
    j.Field("account", a.upn);
    j.Field("label", a.fraud ? "fraud" : "legit");
    if (d.farm >= 0) j.Field("farm", w.farms[d.farm].id);
    if (d.kvm >= 0) j.Field("ip_kvm", cat.kvm[d.kvm].family);
    j.Key("remote_tools");
    j.BeginArray();
    for (int s : d.rmm) j.String(cat.software[s].name);
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.Key("personas");
  j.BeginArray();
  for (const SimPersona& p : w.personas) {
    j.BeginObject();
    j.Field("id", p.id);
    j.Field("kind", p.kind);
    j.Field("person", w.people[p.person].id);
    j.Field("operator", w.operators[p.op].id);
    j.Field("label", "fraud");
    j.Key("accounts");
    j.BeginArray();
    for (int a : p.accounts) j.String(w.accounts[a].upn);
    j.EndArray();
    j.Key("records");
    j.BeginArray();
    for (int ap : p.applications) j.String(w.applications[ap].record_id);
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.Key("farms");
  j.BeginArray();
  for (const SimFarm& fm : w.farms) {
    j.BeginObject();
    j.Field("id", fm.id);
    j.Field("city", cat.cities[fm.city].name);
    j.Field("ip", fm.ip.valid() ? fm.ip.ip.ToString() : "");
    j.Field("bssid", fm.bssid);
    j.Field("facilitator", w.people[fm.facilitator].id);
    j.Field("ip_kvm", fm.kvm);
    j.Field("bank_account", fm.bank);
    j.Key("devices");
    j.BeginArray();
    for (int d : fm.devices) j.String(w.devices[d].id);
    j.EndArray();
    j.Key("accounts");
    j.BeginArray();
    for (int a : fm.accounts) j.String(w.accounts[a].upn);
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.Key("operators");
  j.BeginArray();
  for (const SimOperator& op : w.operators) {
    j.BeginObject();
    j.Field("id", op.id);
    j.Field("city", cat.cities[op.city].name);
    j.Field("direct_ip", op.direct.valid() ? op.direct.ip.ToString() : "");
    j.Field("vpn_ip", op.vpn.valid() ? op.vpn.ip.ToString() : "");
    j.Field("us_hours_share", op.us_hours_share);
    j.Key("accounts");
    j.BeginArray();
    for (int a : op.accounts) j.String(w.accounts[a].upn);
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.Key("events");
  j.BeginObject();
  j.Key("hires");
  j.BeginArray();
  for (const SimAccount& a : w.accounts) {
    if (a.hired < w.start - 180 * kMsPerDay) continue;
    j.BeginObject();
    j.Field("account", a.upn);
    j.Field("org", w.orgs[a.org].id);
    j.Field("time", Iso(a.hired));
    j.Field("label", a.fraud ? "fraud" : "legit");
    j.EndObject();
  }
  j.EndArray();
  j.Key("travel");
  j.BeginArray();
  for (const SimAccount& a : w.accounts) {
    for (const SimTrip& t : a.trips) {
      for (int leg = 0; leg < 2; ++leg) {
        j.BeginObject();
        j.Field("account", a.upn);
        j.Field("kind", t.kind);
        j.Field("from", cat.cities[leg == 0 ? a.home_city : t.dest_city].name);
        j.Field("to", cat.cities[leg == 0 ? t.dest_city : a.home_city].name);
        j.Field("depart", Iso(leg == 0 ? t.depart : t.depart_back));
        j.Field("arrive", Iso(leg == 0 ? t.arrive : t.arrive_back));
        j.Field("km", std::round(t.km));
        j.EndObject();
      }
    }
  }
  j.EndArray();
  j.Key("impossible_legs");
  j.BeginArray();
  for (const ImpossibleLeg& l : legs) {
    const SimAccount& a = w.accounts[l.account];
    j.BeginObject();
    j.Field("account", a.upn);
    j.Field("label", a.fraud ? "fraud" : "legit");
    j.Field("t1", Iso(l.t1));
    j.Field("t2", Iso(l.t2));
    j.Field("ip1", l.ip1);
    j.Field("ip2", l.ip2);
    j.Field("from", l.from);
    j.Field("to", l.to);
    j.Field("km", std::round(l.km));
    j.Field("kmh", std::round(l.kmh));
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  j.EndObject();
  o.push_back('\n');
  *bytes += f.bytes();
  return f.Close();
}

Status WritePhotos(const World& w, const std::string& out_dir, int threads, uint64_t* count, uint64_t* bytes) {
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> total_bytes{0};
  std::vector<Status> errors(threads);
  auto work = [&](int t) {
    for (;;) {
      size_t i = next.fetch_add(64);
      if (i >= w.applications.size()) return;
      size_t end = std::min(i + 64, w.applications.size());
      for (; i < end; ++i) {
        const SimApplication& app = w.applications[i];
        std::vector<unsigned char> jpg = app.photo_edit_seed == 0 ? RenderPortraitJpeg(app.photo_seed)
                                                                  : RenderEditedPortraitJpeg(app.photo_seed, app.photo_edit_seed);
        std::string path = out_dir + "/" + app.photo;
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f || std::fwrite(jpg.data(), 1, jpg.size(), f) != jpg.size()) {
          if (errors[t].ok()) errors[t] = Status::IOError("cannot write " + path);
        }
        if (f) std::fclose(f);
        total_bytes += jpg.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors) IMPOSTOR_RETURN_IF_ERROR(e);
  *count = w.applications.size();
  *bytes += total_bytes;
  return Status::OK();
}

}  // namespace

Status Simulate(const SimOptions& opt, SimSummary* summary) {
  if (opt.employees < 1 || opt.employees > 10'000'000) return Status::InvalidArgument("--employees must be 1..10000000");
  if (opt.days < 1 || opt.days > 366) return Status::InvalidArgument("--days must be 1..366");
  if (opt.orgs < 1 || opt.orgs > 1000) return Status::InvalidArgument("--orgs must be 1..1000");
  if (!(opt.fraud_rate >= 0 && opt.fraud_rate <= 0.5)) return Status::InvalidArgument("--fraud-rate must be 0..0.5");
  if (opt.out_dir.empty()) return Status::InvalidArgument("--out is required");
  auto t_prev = std::chrono::steady_clock::now();
  std::string phases;
  auto phase = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.2fs", phases.empty() ? "" : ", ", name,
                  std::chrono::duration<double>(now - t_prev).count());
    phases += buf;
    t_prev = now;
  };
  IMPOSTOR_ASSIGN_OR_RETURN(auto catalog, LoadSimCatalog(opt.data_dir));
  IMPOSTOR_ASSIGN_OR_RETURN(auto ips,
                            IpUniverse::Build(catalog, DefaultIpUniversePaths(opt.data_dir, opt.cache_dir), opt.seed));
  phase("networks");
  IMPOSTOR_ASSIGN_OR_RETURN(auto world, BuildWorld(opt, catalog, *ips));
  phase("world");
  const World& w = *world;

  for (const char* sub : {"", "/signins", "/devices", "/mfa", "/photos"}) {
    IMPOSTOR_RETURN_IF_ERROR(MakeDir(opt.out_dir + sub));
  }
  SimSummary s;
  s.ip_universe = ips->Describe();
  std::vector<OrgOutput> outputs(w.orgs.size());
  std::atomic<int> next_org{0};
  int threads = std::max(1, opt.threads);
  auto work = [&]() {
    for (int o; (o = next_org.fetch_add(1)) < static_cast<int>(w.orgs.size());) GenerateOrg(w, o, opt.out_dir, &outputs[o]);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  phase("signins+devices+mfa");
  std::vector<ImpossibleLeg> legs;
  for (OrgOutput& out : outputs) {
    IMPOSTOR_RETURN_IF_ERROR(out.status);
    s.signins += out.signins;
    s.osquery_lines += out.osquery_lines;
    s.mdm_rows += out.mdm_rows;
    s.mfa_events += out.mfa_events;
    s.bytes += out.bytes;
    legs.insert(legs.end(), out.legs.begin(), out.legs.end());
  }
  IMPOSTOR_RETURN_IF_ERROR(WritePeople(w, opt.out_dir, &s.people_records, &s.bytes));
  IMPOSTOR_RETURN_IF_ERROR(WriteOrgs(w, opt.out_dir));
  IMPOSTOR_RETURN_IF_ERROR(WriteTruth(w, legs, opt.out_dir, &s.bytes));
  phase("people+truth");
  if (opt.photos) IMPOSTOR_RETURN_IF_ERROR(WritePhotos(w, opt.out_dir, threads, &s.photos, &s.bytes));
  phase("photos");
  s.phase_times = phases;
  s.accounts = w.accounts.size();
  for (const SimAccount& a : w.accounts) {
    if (a.fraud) ++s.fraud_accounts;
    else if (a.lookalikes & ~static_cast<uint32_t>(kLkBusinessTrip)) ++s.lookalike_accounts;
  }
  s.devices = w.devices.size();
  s.farms = w.farms.size();
  s.operators = w.operators.size();
  s.personas = w.personas.size();
  if (summary) *summary = s;
  return Status::OK();
}

}  // namespace impostor
