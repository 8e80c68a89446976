#include "sim/world.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/geo.h"
#include "sim/rng.h"

namespace impostor {

const char* LookalikeName(int bit) {
  static const char* const kNames[kLookalikeKinds] = {
      "corp_vpn_abroad", "mobile_cgnat_hub", "china_trip_vpn",     "shared_home_ip", "ipv6_flip",
      "geo_moved_ip",    "shared_family_phone", "it_support_rmm", "business_trip", "personal_vpn",
      "legit_two_jobs"};
  return (bit >= 0 && bit < kLookalikeKinds) ? kNames[bit] : "?";
}

TimeMs World::OffsetMs(int city, TimeMs t) const {
  int64_t day = (t - start) / kMsPerDay;
  if (t < start) day -= 1;
  int64_t i = day - first_offset_day;
  const auto& v = offsets[city];
  if (i < 0) i = 0;
  if (i >= static_cast<int64_t>(v.size())) i = static_cast<int64_t>(v.size()) - 1;
  return static_cast<TimeMs>(v[i]) * 60 * kMsPerSecond;
}

namespace {

const char* const kOrgNames[] = {"Contoso",  "Fabrikam", "Northwind", "Tailspin",   "Litware",   "Adatum",
                                 "Woodgrove", "Proseware", "Wingtip",  "Lucerne",   "Trey",      "Coho",
                                 "Humongous", "Alpine",    "Margie",   "Relecloud", "Wide World", "Fourth Coffee"};

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ' ') c = '-';
  }
  return s;
}

std::string Guid(Rng& rng) {
  std::string s;
  s.reserve(36);
  rng.AppendHex(&s, 8);
  s.push_back('-');
  rng.AppendHex(&s, 4);
  s += "-4";
  rng.AppendHex(&s, 3);
  s.push_back('-');
  s.push_back("89ab"[rng.Below(4)]);
  rng.AppendHex(&s, 3);
  s.push_back('-');
  rng.AppendHex(&s, 12);
  return s;
}

std::string Digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Below(10)));
  return s;
}

std::string Mac(Rng& rng) {
  std::string s;
  for (int i = 0; i < 6; ++i) {
    if (i) s.push_back(':');
    rng.AppendHex(&s, 2);
  }
  return s;
}

// A plausible E.164 number for a country (not a real subscriber's format guarantee).
std::string PhoneFor(const std::string& country, Rng& rng) {
  if (country == "US" || country == "CA") return "+1" + std::to_string(rng.Int(201, 989)) + "555" + Digits(rng, 4);
  if (country == "GB") return "+447700" + Digits(rng, 6);
  if (country == "DE") return "+4915" + Digits(rng, 9);
  if (country == "FR") return "+336" + Digits(rng, 8);
  if (country == "IN") return "+919" + Digits(rng, 9);
  if (country == "AU") return "+614" + Digits(rng, 8);
  if (country == "JP") return "+8190" + Digits(rng, 8);
  return "+3162" + Digits(rng, 7);
}

const char* const kStreets[] = {"Main St",  "Oak Ave",     "Maple Dr",  "Cedar Ln",   "Park Rd",
                                "Pine St",  "Lake View Dr", "Elm St",   "Hillside Ave", "River Rd",
                                "2nd Ave",  "Washington St", "Sunset Blvd", "Highland Ave", "Mill Rd"};

int PickCity(const SimCatalog& cat, Rng& rng, uint32_t role, const std::string& country = "") {
  std::vector<double> w(cat.cities.size(), 0.0);
  for (size_t i = 0; i < cat.cities.size(); ++i) {
    const SimCity& c = cat.cities[i];
    if (!(c.roles & role)) continue;
    if (!country.empty() && c.country != country) continue;
    w[i] = (role == kRoleHome) ? c.weight : 1.0;
  }
  double total = 0;
  for (double x : w) total += x;
  if (total <= 0) return -1;
  return static_cast<int>(rng.Weighted(w));
}

// A fresh address in one of the blocks of `kind` nearest to `city` (within `max_km`
// when possible), never handed out before.
SimIp Allocate(const IpUniverse& ips, NetKind kind, int city, Rng& rng, std::set<IpAddress>* used, bool v6 = false,
               double max_km = 60) {
  const auto& near = ips.Nearest(kind, city, v6);
  if (near.empty()) return {};
  size_t n = 0;
  while (n < near.size() && near[n].km <= max_km) ++n;
  if (n == 0) n = std::min<size_t>(near.size(), 4);
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint32_t b = near[rng.Below(n)].block;
    IpAddress ip = ips.RandomHost(b, rng);
    if (used->insert(ip).second) return {ip, b};
  }
  return {};
}

// An address from a block of `kind` anywhere in the list.
SimIp AllocateFrom(const IpUniverse& ips, const std::vector<uint32_t>& blocks, Rng& rng, std::set<IpAddress>* used) {
  if (blocks.empty()) return {};
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint32_t b = blocks[rng.Below(blocks.size())];
    IpAddress ip = ips.RandomHost(b, rng);
    if (used->insert(ip).second) return {ip, b};
  }
  return {};
}

double BlockKm(const IpUniverse& ips, const SimIp& ip, const SimCity& c) {
  if (!ip.valid()) return 0;
  const GeoPlace& p = ips.place(ips.block(ip.block).place);
  return HaversineKm(p.lat, p.lon, c.lat, c.lon);
}

std::string IsoDate(TimeMs t) { return FormatIso8601(t).substr(0, 10); }

}  // namespace

Result<std::unique_ptr<World>> BuildWorld(const SimOptions& opt, const SimCatalog& cat, const IpUniverse& ips) {
  auto start = ParseTimestamp(opt.start_date);
  if (!start) return Status::InvalidArgument("start date is not a date: " + opt.start_date);
  auto w = std::make_unique<World>();
  w->options = opt;
  w->catalog = &cat;
  w->ips = &ips;
  w->start = *start;
  w->end = *start + static_cast<TimeMs>(opt.days) * kMsPerDay;
  Rng rng(MixSeed(opt.seed, 1));
  std::set<IpAddress> used;
  const bool hard = opt.difficulty == Difficulty::kHard;
  const bool easy = opt.difficulty == Difficulty::kEasy;

  // Time zone offsets per city and day (ICU), from 400 days before the window to its end.
  w->first_offset_day = -400;
  w->offsets.resize(cat.cities.size());
  for (size_t c = 0; c < cat.cities.size(); ++c) {
    std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(cat.cities[c].timezone)));
    for (int d = w->first_offset_day; d <= opt.days + 1; ++d) {
      UErrorCode status = U_ZERO_ERROR;
      int32_t raw = 0, dst = 0;
      tz->getOffset(static_cast<UDate>(w->start + static_cast<TimeMs>(d) * kMsPerDay + 12 * kMsPerHour), false, raw,
                    dst, status);
      if (U_FAILURE(status)) return Status::Corruption("unknown time zone " + cat.cities[c].timezone);
      w->offsets[c].push_back((raw + dst) / 60000);
    }
  }

  // Organisations.
  std::vector<int> hq_cities;
  for (size_t i = 0; i < cat.cities.size(); ++i) {
    if (cat.cities[i].roles & kRoleHq) hq_cities.push_back(static_cast<int>(i));
  }
  const int n_org_names = sizeof(kOrgNames) / sizeof(kOrgNames[0]);
  for (int o = 0; o < opt.orgs; ++o) {
    SimOrg org;
    org.id = "org" + std::to_string(o + 1);
    org.name = kOrgNames[o % n_org_names];
    if (o >= n_org_names) org.name += " " + std::to_string(o / n_org_names + 1);
    org.domain = Lower(org.name) + ".example.com";
    org.tenant_id = Guid(rng);
    org.entra = (o % 2) == 0;
    // Most organisations sit in the US; a few elsewhere.
    int hq = -1;
    if (rng.Chance(0.8)) hq = PickCity(cat, rng, kRoleHq, "US");
    if (hq < 0) hq = rng.Pick(hq_cities);
    org.hq_city = hq;
    for (int e = 0; e < 2; ++e) {
      SimIp ip = Allocate(ips, NetKind::kBusiness, hq, rng, &used, false, 80);
      if (!ip.valid()) ip = Allocate(ips, NetKind::kResidential, hq, rng, &used);
      if (ip.valid()) org.egress.push_back(ip);
    }
    // Every second organisation runs a corporate VPN concentrator in another country.
    if (o % 2 == 0) {
      const char* abroad = cat.cities[hq].country == "US" ? "DE" : "US";
      auto blocks = ips.InCountry(NetKind::kHosting, abroad);
      SimIp ip = AllocateFrom(ips, blocks, rng, &used);
      if (ip.valid()) org.vpn_abroad.push_back(ip);
    }
    w->orgs.push_back(std::move(org));
  }
  std::vector<double> org_weights;
  for (int o = 0; o < opt.orgs; ++o) org_weights.push_back(1.0 / std::sqrt(1.0 + o));

  auto new_person = [&](const std::string& kind, int city) {
    SimPerson p;
    p.id = "P" + std::to_string(w->people.size() + 1);
    p.kind = kind;
    p.given = rng.Pick(cat.given_names);
    p.family = rng.Pick(cat.family_names);
    p.city = city;
    const std::string& cc = cat.cities[city].country;
    p.phone = PhoneFor(cc, rng);
    static const char* const kMail[] = {"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"};
    p.email = Lower(p.given) + "." + Lower(p.family) + Digits(rng, 2) + "@" + kMail[rng.Below(5)];
    p.dob = std::to_string(rng.Int(1962, 2001)) + "-" + (rng.Chance(0.5) ? "0" : "1") + std::to_string(rng.Int(0, 2) + 0) +
            "-" + std::to_string(rng.Int(10, 28));
    if (p.dob[5] == '0' && p.dob[6] == '0') p.dob[6] = '1';
    p.national_id = cc == "US" ? Digits(rng, 3) + "-" + Digits(rng, 2) + "-" + Digits(rng, 4) : cc + Digits(rng, 9);
    p.address = std::to_string(rng.Int(10, 9899)) + " " + kStreets[rng.Below(15)];
    p.postcode = Digits(rng, 5);
    p.bank = "ACCT-" + Digits(rng, 4) + "-" + Digits(rng, 8);
    p.photo_seed = rng.Next();
    w->people.push_back(std::move(p));
    return static_cast<int>(w->people.size() - 1);
  };

  std::vector<std::set<std::string>> upns(opt.orgs);
  auto make_upn = [&](int org, const SimPerson& p) {
    std::string base = Lower(p.given) + "." + Lower(p.family);
    std::string upn = base + "@" + w->orgs[org].domain;
    for (int k = 2; !upns[org].insert(upn).second; ++k) upn = base + std::to_string(k) + "@" + w->orgs[org].domain;
    return upn;
  };

  auto new_device = [&](const std::string& kind, int account) {
    SimDevice d;
    d.kind = kind;
    d.account = account;
    d.seed = rng.Next();
    d.id = Guid(rng);
    std::string serial;
    for (int i = 0; i < 10; ++i) serial.push_back("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"[rng.Below(34)]);
    d.serial = serial;
    if (kind == "laptop") {
      d.hostname = "LT-" + serial.substr(0, 7);
      d.os = "Windows 11";
      for (size_t s = 0; s < cat.software.size(); ++s) {
        if (cat.software[s].kind == "standard" || (cat.software[s].kind == "common" && rng.Chance(0.35))) {
          d.software.push_back(static_cast<int>(s));
        }
      }
      int n_usb = rng.Int(0, 3);
      for (int i = 0; i < n_usb; ++i) d.usb.push_back(static_cast<int>(rng.Below(cat.usb.size())));
      std::sort(d.usb.begin(), d.usb.end());
      d.usb.erase(std::unique(d.usb.begin(), d.usb.end()), d.usb.end());
    } else {
      d.hostname = rng.Chance(0.55) ? "iPhone" : "Android";
      d.os = d.hostname == "iPhone" ? "iOS 17.4" : "Android 14";
    }
    w->devices.push_back(std::move(d));
    return static_cast<int>(w->devices.size() - 1);
  };

  const int n_fraud_target = opt.fraud_rate > 0 ? std::max(2, static_cast<int>(std::lround(opt.employees * opt.fraud_rate))) : 0;
  const int n_fraud = std::min(n_fraud_target, opt.employees);
  const int n_legit = opt.employees - n_fraud;

  // ---- Legitimate employees.
  for (int i = 0; i < n_legit; ++i) {
    int org = static_cast<int>(rng.Weighted(org_weights));
    int city = PickCity(cat, rng, kRoleHome);
    // Half of the staff live in the HQ city.
    if (rng.Chance(0.45)) city = w->orgs[org].hq_city;
    int person = new_person("employee", city);
    SimAccount a;
    a.org = org;
    a.person = person;
    a.home_city = city;
    a.upn = make_upn(org, w->people[person]);
    a.user_id = Guid(rng);
    a.display_name = w->people[person].given + " " + w->people[person].family;
    // Tenure: most hired long before the window; recent hires in volume (one in
    // six within four months, as in a growing company), some during it.
    double years = rng.Chance(0.08)   ? -rng.Uniform(0, opt.days / 365.0)
                   : rng.Chance(0.17) ? rng.Uniform(0.0, 0.33)
                                      : rng.Uniform(0.1, 8.0);
    a.hired = w->start - static_cast<TimeMs>(years * 365 * kMsPerDay);
    a.hired -= a.hired % kMsPerDay;
    a.home = Allocate(ips, NetKind::kResidential, city, rng, &used);
    a.mobile = Allocate(ips, NetKind::kMobile, city, rng, &used, false, 150);
    if (!a.mobile.valid()) a.mobile = Allocate(ips, NetKind::kResidential, city, rng, &used);
    if (BlockKm(ips, a.mobile, cat.cities[city]) > 500) a.lookalikes |= kLkMobileHub;
    a.bssid = Mac(rng);
    a.commuter = city == w->orgs[org].hq_city && rng.Chance(0.6);
    a.bank = w->people[person].bank;
    a.mfa_phone = w->people[person].phone;
    a.authenticator_id = Guid(rng);
    int idx = static_cast<int>(w->accounts.size());
    a.laptop = new_device("laptop", idx);
    a.phone = new_device("phone", idx);
    w->devices[a.laptop].tz = cat.cities[city].timezone;
    w->devices[a.phone].tz = cat.cities[city].timezone;
    w->accounts.push_back(std::move(a));
  }

  // ---- Honest look-alikes among them.
  std::vector<int> legit_idx(n_legit);
  for (int i = 0; i < n_legit; ++i) legit_idx[i] = i;
  auto some = [&](double share) {
    int n = std::max(n_legit > 50 ? 1 : 0, static_cast<int>(std::lround(n_legit * share)));
    std::vector<int> out;
    for (int i = 0; i < n && n_legit > 0; ++i) out.push_back(legit_idx[rng.Below(n_legit)]);
    return out;
  };
  for (int i : some(0.04)) {
    SimAccount& a = w->accounts[i];
    if (!w->orgs[a.org].vpn_abroad.empty()) a.lookalikes |= kLkCorpVpnAbroad;
  }
  for (int i : some(0.02)) {  // mobile IP geolocated to a far hub
    SimAccount& a = w->accounts[i];
    const SimCity& home = cat.cities[a.home_city];
    const auto& near = ips.Nearest(NetKind::kMobile, a.home_city);
    for (size_t k = near.size(); k-- > 0;) {
      if (near[k].km > 600) {
        IpAddress ip = ips.RandomHost(near[k].block, rng);
        if (used.insert(ip).second) {
          a.mobile = {ip, near[k].block};
          a.lookalikes |= kLkMobileHub;
        }
        break;
      }
    }
    (void)home;
  }
  for (int i : some(0.03)) {
    SimAccount& a = w->accounts[i];
    a.home6 = Allocate(ips, NetKind::kResidential, a.home_city, rng, &used, true, 200);
    if (a.home6.valid()) a.lookalikes |= kLkIpv6Flip;
  }
  for (int i : some(0.006)) {
    SimAccount& a = w->accounts[i];
    // Before a day in the window the IdP placed the home address in another city of the country.
    const SimCity& home = cat.cities[a.home_city];
    std::vector<int> far_cities;
    for (size_t c = 0; c < cat.cities.size(); ++c) {
      const SimCity& other = cat.cities[c];
      if (other.country == home.country && HaversineKm(home.lat, home.lon, other.lat, other.lon) > 500 &&
          !ips.Nearest(NetKind::kResidential, static_cast<int>(c)).empty()) {
        far_cities.push_back(static_cast<int>(c));
      }
    }
    if (!far_cities.empty()) {
      a.lookalikes |= kLkGeoMoved;
      a.geo_moved_day = rng.Int(1, std::max(1, opt.days - 2));
      a.geo_old_place = ips.block(ips.Nearest(NetKind::kResidential, rng.Pick(far_cities))[0].block).place;
    }
  }
  {  // Couples sharing a home IP (and home), at one firm or at two; half of them
     // also give one family phone and a joint bank account to HR and payroll.
    auto pairs = some(0.02);
    for (int i : pairs) {
      SimAccount& a = w->accounts[i];
      const bool cross_org = w->orgs.size() > 1 && rng.Chance(0.4);
      const bool joint = rng.Chance(0.5);
      for (int tries = 0; tries < 40; ++tries) {
        int j = legit_idx[rng.Below(n_legit)];
        SimAccount& b = w->accounts[j];
        if (j == i || (b.org != a.org) != cross_org || (b.lookalikes & kLkSharedHomeIp) ||
            (a.lookalikes & kLkSharedHomeIp))
          continue;
        if (joint) {
          w->people[b.person].phone = w->people[a.person].phone;
          b.bank = a.bank;
        }
        b.home_city = a.home_city;
        b.home = a.home;
        b.bssid = a.bssid;
        w->people[b.person].city = w->people[a.person].city;
        w->people[b.person].address = w->people[a.person].address;
        w->people[b.person].postcode = w->people[a.person].postcode;
        w->devices[b.laptop].tz = w->devices[a.laptop].tz;
        a.lookalikes |= kLkSharedHomeIp;
        b.lookalikes |= kLkSharedHomeIp;
        break;
      }
    }
    for (int i : some(0.005)) {
      SimAccount& a = w->accounts[i];
      int j = legit_idx[rng.Below(n_legit)];
      if (j == i) continue;
      SimAccount& b = w->accounts[j];
      b.mfa_phone = a.mfa_phone;
      a.lookalikes |= kLkFamilyPhone;
      b.lookalikes |= kLkFamilyPhone;
    }
  }
  for (int i : some(0.015)) {
    // IT support staff: the sanctioned tool, and for some a second one on day 0.
    SimAccount& a = w->accounts[i];
    const bool two = rng.Chance(0.5);
    for (size_t s = 0; s < cat.software.size(); ++s) {
      if (cat.software[s].name == "TeamViewer" || (two && cat.software[s].name == "Chrome Remote Desktop Host"))
        w->devices[a.laptop].rmm.push_back(static_cast<int>(s));
    }
    a.lookalikes |= kLkItRmm;
  }
  for (int i : some(0.035)) {
    // Privacy-minded employees with a consumer VPN: exits at home or abroad, often.
    SimAccount& a = w->accounts[i];
    std::vector<uint32_t> blocks = rng.Chance(0.5) ? ips.InCountry(NetKind::kVpn, cat.cities[a.home_city].country)
                                                   : ips.OfKind(NetKind::kVpn);
    if (blocks.empty()) blocks = ips.OfKind(NetKind::kVpn);
    a.personal_vpn = AllocateFrom(ips, blocks, rng, &used);
    if (a.personal_vpn.valid()) a.lookalikes |= kLkPersonalVpn;
  }
  for (int i : some(0.008)) w->accounts[i].lookalikes |= kLkTwoJobs;  // HR and payroll at a second employer

  // ---- Trips: business trips and conferences, and trips to China (some using a VPN there).
  std::vector<int> conf_cities, china_cities;
  for (size_t i = 0; i < cat.cities.size(); ++i) {
    if (cat.cities[i].roles & kRoleConference) conf_cities.push_back(static_cast<int>(i));
    if (cat.cities[i].roles & kRoleChinaTrip) china_cities.push_back(static_cast<int>(i));
  }
  auto plan_trip = [&](SimAccount& a, int dest, const std::string& kind) {
    const SimCity& from = cat.cities[a.home_city];
    const SimCity& to = cat.cities[dest];
    SimTrip t;
    t.dest_city = dest;
    t.kind = kind;
    t.km = HaversineKm(from.lat, from.lon, to.lat, to.lon);
    if (t.km < 150) return;
    int day = rng.Int(0, std::max(0, opt.days - 3));
    int len = kind == "china_trip" ? rng.Int(4, 8) : rng.Int(2, 5);
    // Flights leave between 07:00 and 17:00 local; block time at 800 km/h plus 2.5 h at airports.
    double flight_h = t.km / 800.0 + 2.5;
    TimeMs dep_local = w->start + static_cast<TimeMs>(day) * kMsPerDay + static_cast<TimeMs>(rng.Uniform(7, 17) * kMsPerHour);
    t.depart = dep_local - w->OffsetMs(a.home_city, dep_local);
    t.arrive = t.depart + static_cast<TimeMs>(flight_h * kMsPerHour);
    TimeMs back_local = dep_local + static_cast<TimeMs>(len) * kMsPerDay;
    t.depart_back = back_local - w->OffsetMs(dest, back_local);
    if (t.depart_back < t.arrive + 12 * kMsPerHour) t.depart_back = t.arrive + 24 * kMsPerHour;
    t.arrive_back = t.depart_back + static_cast<TimeMs>(flight_h * kMsPerHour);
    t.hotel = Allocate(ips, NetKind::kResidential, dest, rng, &used, false, 80);
    if (!t.hotel.valid()) t.hotel = Allocate(ips, NetKind::kHosting, dest, rng, &used, false, 300);
    if (to.country != from.country) {
      t.mobile = a.mobile;  // roaming phones egress through the home carrier
    } else {
      t.mobile = Allocate(ips, NetKind::kMobile, dest, rng, &used, false, 150);
    }
    if (kind == "china_trip") {
      static const char* const kVpnCountries[] = {"HK", "JP", "SG", "US"};
      auto blocks = ips.InCountry(NetKind::kVpn, kVpnCountries[rng.Below(4)]);
      if (blocks.empty()) blocks = ips.OfKind(NetKind::kVpn);
      t.vpn = AllocateFrom(ips, blocks, rng, &used);
    }
    if (!t.hotel.valid()) return;
    a.trips.push_back(std::move(t));
    a.lookalikes |= kind == "china_trip" ? kLkChinaTrip : kLkBusinessTrip;
  };
  for (int i : some(0.06 * opt.days / 30.0)) {
    SimAccount& a = w->accounts[i];
    if (!a.trips.empty()) continue;
    int dest = rng.Chance(0.3) ? rng.Pick(conf_cities) : PickCity(cat, rng, kRoleConference, cat.cities[a.home_city].country);
    if (dest < 0) dest = rng.Pick(conf_cities);
    plan_trip(a, dest, rng.Chance(0.5) ? "conference" : "business_trip");
  }
  if (!china_cities.empty()) {
    for (int i : some(0.006 * opt.days / 30.0)) {
      SimAccount& a = w->accounts[i];
      if (!a.trips.empty()) continue;
      plan_trip(a, rng.Pick(china_cities), "china_trip");
    }
  }

  // ---- Fraud operations.
  if (n_fraud > 0) {
    std::vector<int> op_cities, farm_cities;
    for (size_t i = 0; i < cat.cities.size(); ++i) {
      if (cat.cities[i].roles & kRoleOperator) op_cities.push_back(static_cast<int>(i));
      if (cat.cities[i].roles & kRoleFarm) farm_cities.push_back(static_cast<int>(i));
    }
    if (op_cities.empty() || farm_cities.empty()) return Status::Corruption("cities.csv has no operator or farm city");
    // Operators.
    int n_ops = std::max(1, (n_fraud + 2) / 3);
    for (int k = 0; k < n_ops; ++k) {
      SimOperator op;
      op.id = "operator-" + std::to_string(k + 1);
      op.city = rng.Pick(op_cities);
      NetKind direct_kind = rng.Chance(0.6) ? NetKind::kMobile : NetKind::kResidential;
      op.direct = Allocate(ips, direct_kind, op.city, rng, &used, false, 150);
      if (!op.direct.valid()) op.direct = Allocate(ips, NetKind::kResidential, op.city, rng, &used, false, 400);
      auto vpn_us = ips.InCountry(NetKind::kVpn, "US");
      if (vpn_us.empty()) vpn_us = ips.OfKind(NetKind::kVpn);
      op.vpn = AllocateFrom(ips, vpn_us, rng, &used);
      if (!op.vpn.valid()) op.vpn = AllocateFrom(ips, ips.OfKind(NetKind::kHosting), rng, &used);
      // Careful operators rent residential proxies in the claimed country instead:
      // nothing flags them, and the same few lines serve every identity they run.
      if (rng.Chance(hard ? 0.6 : 0.15)) {
        std::vector<int> us_cities;
        for (size_t c = 0; c < cat.cities.size(); ++c)
          if (cat.cities[c].country == "US") us_cities.push_back(static_cast<int>(c));
        for (int p = 0, n = rng.Int(3, 8); p < n && !us_cities.empty(); ++p) {
          SimIp proxy = Allocate(ips, NetKind::kResidential, rng.Pick(us_cities), rng, &used);
          if (proxy.valid()) op.proxies.push_back(proxy);
        }
      }
      op.voip_phone = "+1" + std::to_string(rng.Int(201, 989)) + "555" + Digits(rng, 4);
      op.authenticator_id = Guid(rng);
      op.us_hours_share = hard ? 1.0 : (easy ? 0.2 : rng.Uniform(0.3, 0.7));
      w->operators.push_back(std::move(op));
    }
    // Identities: fabricated personas (hired at 1-3 organisations) and rented identities
    // of real people (several concurrent jobs).
    struct Job {
      int persona;
      int org;
    };
    std::vector<Job> jobs;
    while (static_cast<int>(jobs.size()) < n_fraud) {
      SimPersona persona;
      persona.id = "persona-" + std::to_string(w->personas.size() + 1);
      bool rented = !hard && opt.orgs >= 2 && rng.Chance(0.3);
      persona.kind = rented ? "rented" : "fabricated";
      int claimed_city = PickCity(cat, rng, kRoleFarm);
      persona.person = new_person(rented ? "identity_owner" : "fabricated", claimed_city);
      w->people[persona.person].fraud = true;
      persona.op = static_cast<int>(rng.Below(n_ops));
      int n_jobs = 1;
      if (rented) n_jobs = rng.Int(2, std::min(4, opt.orgs));
      else if (!hard) n_jobs = rng.Chance(0.5) ? 1 : (rng.Chance(0.7) ? 2 : 3);
      n_jobs = std::min({n_jobs, opt.orgs, n_fraud - static_cast<int>(jobs.size())});
      std::vector<int> orgs(opt.orgs);
      for (int o = 0; o < opt.orgs; ++o) orgs[o] = o;
      for (int k = 0; k < n_jobs; ++k) {
        std::swap(orgs[k], orgs[k + rng.Below(opt.orgs - k)]);
        jobs.push_back({static_cast<int>(w->personas.size()), orgs[k]});
      }
      w->personas.push_back(std::move(persona));
    }
    // Farms: fraud laptops grouped 2-6 per farm (2-3 when operators are careful).
    std::vector<int> order(jobs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
    std::vector<int> job_farm(jobs.size(), -1);
    size_t pos = 0;
    while (pos < order.size()) {
      size_t left = order.size() - pos;
      size_t size = hard ? rng.Int(2, 3) : rng.Int(2, 6);
      if (size > left) size = left;
      if (left - size == 1) size += 1;  // never leave a farm with one laptop
      SimFarm farm;
      farm.id = "farm-" + std::to_string(w->farms.size() + 1);
      farm.city = rng.Pick(farm_cities);
      farm.ip = Allocate(ips, NetKind::kResidential, farm.city, rng, &used);
      farm.bssid = Mac(rng);
      farm.facilitator = new_person("facilitator", farm.city);
      w->people[farm.facilitator].fraud = true;
      farm.address = w->people[farm.facilitator].address;
      farm.kvm = hard ? true : rng.Chance(0.3);
      farm.bank = w->people[farm.facilitator].bank;
      for (size_t k = 0; k < size; ++k) job_farm[order[pos + k]] = static_cast<int>(w->farms.size());
      pos += size;
      w->farms.push_back(std::move(farm));
    }
    // Accounts, devices and applications.
    std::vector<int> rmm_tools, vpn_clients;
    for (size_t s = 0; s < cat.software.size(); ++s) {
      if (cat.software[s].kind == "rmm") rmm_tools.push_back(static_cast<int>(s));
      if (cat.software[s].kind == "vpn_client") vpn_clients.push_back(static_cast<int>(s));
    }
    for (size_t j = 0; j < jobs.size(); ++j) {
      SimPersona& persona = w->personas[jobs[j].persona];
      SimOperator& op = w->operators[persona.op];
      SimFarm& farm = w->farms[job_farm[j]];
      const SimPerson& p = w->people[persona.person];
      SimAccount a;
      a.org = jobs[j].org;
      a.person = persona.person;
      a.fraud = true;
      a.home_city = p.city;
      a.upn = make_upn(a.org, p);
      a.user_id = Guid(rng);
      a.display_name = p.given + " " + p.family;
      // Hired within the 150 days before the window or during it; as many have
      // worked unnoticed for up to two and a half years.
      a.hired = w->start + static_cast<TimeMs>((rng.Chance(0.5) ? rng.Uniform(-150, std::max(1, opt.days - 5))
                                                                 : -rng.Uniform(150, 900)) *
                                               kMsPerDay);
      a.hired -= a.hired % kMsPerDay;
      a.home = farm.ip;
      a.mobile = op.direct;
      a.bssid = farm.bssid;
      a.farm = job_farm[j];
      a.op = persona.op;
      a.persona = jobs[j].persona;
      a.mfa_phone = (!hard && rng.Chance(0.6)) ? op.voip_phone : PhoneFor("US", rng);
      a.authenticator_id = (!hard && rng.Chance(0.5)) ? op.authenticator_id : Guid(rng);
      a.bank = (!hard && rng.Chance(0.6)) ? farm.bank : "ACCT-" + Digits(rng, 4) + "-" + Digits(rng, 8);
      if (!hard && rng.Chance(0.3)) a.payout = "payoneer:" + Lower(w->people[farm.facilitator].family) + Digits(rng, 3) + "@mail.example.net";
      int idx = static_cast<int>(w->accounts.size());
      a.laptop = new_device("laptop", idx);
      a.phone = new_device("phone", idx);
      SimDevice& lt = w->devices[a.laptop];
      lt.farm = a.farm;
      // Laptop clock set to the operators' zone sometimes; otherwise the claimed home zone.
      lt.tz = (!hard && rng.Chance(easy ? 0.6 : 0.35)) ? cat.cities[op.city].timezone : cat.cities[a.home_city].timezone;
      w->devices[a.phone].tz = cat.cities[op.city].timezone;
      if (farm.kvm) {
        lt.kvm = static_cast<int>(rng.Below(cat.kvm.size()));
      } else {
        int n = rng.Int(2, 3);
        for (int k = 0; k < n; ++k) lt.rmm.push_back(rng.Pick(rmm_tools));
        std::sort(lt.rmm.begin(), lt.rmm.end());
        lt.rmm.erase(std::unique(lt.rmm.begin(), lt.rmm.end()), lt.rmm.end());
      }
      if (!hard && !vpn_clients.empty() && rng.Chance(0.5)) lt.rmm.push_back(vpn_clients[0]);
      farm.devices.push_back(a.laptop);
      farm.accounts.push_back(idx);
      op.accounts.push_back(idx);
      persona.accounts.push_back(idx);
      w->accounts.push_back(std::move(a));
    }
  }

  // ---- Applications (ATS records): one per hire; fabricated personas apply widely.
  std::vector<std::vector<int>> org_counter(opt.orgs, std::vector<int>(1, 0));
  auto new_application = [&](int org, int person, int persona, TimeMs applied) {
    SimApplication app;
    int n = ++org_counter[org][0];
    char buf[64];
    std::snprintf(buf, sizeof buf, "ats-%s-%06d", w->orgs[org].id.c_str(), n);
    app.record_id = buf;
    app.org = org;
    app.person = person;
    app.persona = persona;
    const SimPerson& p = w->people[person];
    app.given = p.given;
    app.family = p.family;
    app.email = p.email;
    app.phone = p.phone;
    app.photo_seed = p.photo_seed;
    app.applied = applied;
    w->applications.push_back(std::move(app));
    return static_cast<int>(w->applications.size() - 1);
  };
  for (size_t i = 0; i < w->accounts.size(); ++i) {
    SimAccount& a = w->accounts[i];
    int ai = new_application(a.org, a.person, a.persona, a.hired - static_cast<TimeMs>(rng.Int(20, 60)) * kMsPerDay);
    w->applications[ai].account = static_cast<int>(i);
    a.ats_record = ai;
    if (a.persona >= 0) w->personas[a.persona].applications.push_back(ai);
  }
  // Reuse: each fabricated persona also applies to other organisations (not hired there),
  // with name variants, e-mail pattern variants, the operator's phone and edited photos.
  for (size_t pi = 0; pi < w->personas.size(); ++pi) {
    SimPersona& persona = w->personas[pi];
    const SimPerson& p = w->people[persona.person];
    int extra = hard ? 0 : rng.Int(1, 4);
    for (int k = 0; k < extra; ++k) {
      int org = static_cast<int>(rng.Below(opt.orgs));
      int ai = new_application(org, persona.person, static_cast<int>(pi),
                               w->start - static_cast<TimeMs>(rng.Int(5, 200)) * kMsPerDay);
      persona.applications.push_back(ai);
    }
    for (size_t k = 0; k < persona.applications.size(); ++k) {
      SimApplication& app = w->applications[persona.applications[k]];
      app.photo_edit_seed = (hard || k == 0) ? 0 : rng.Next() | 1;
      if (hard || k == 0) continue;
      if (persona.kind == "fabricated") {
        switch (rng.Below(4)) {
          case 0: app.given = p.given.substr(0, 1) + "."; break;
          case 1: app.given = p.given + " " + static_cast<char>('A' + rng.Below(26)) + "."; break;
          case 2: std::swap(app.given, app.family); break;
          default: break;
        }
        static const char* const kPat[] = {"%s.%s.dev@gmail.com", "%s%s@outlook.com", "%s.%s%d@gmail.com",
                                           "%s_%s@proton.me"};
        char buf[160];
        int pat = static_cast<int>(rng.Below(4));
        if (pat == 2) std::snprintf(buf, sizeof buf, kPat[2], Lower(p.given).c_str(), Lower(p.family).c_str(), rng.Int(1, 99));
        else std::snprintf(buf, sizeof buf, kPat[pat], Lower(p.given).c_str(), Lower(p.family).c_str());
        app.email = buf;
      }
      if (persona.op >= 0 && rng.Chance(0.5)) app.phone = w->operators[persona.op].voip_phone;
    }
  }
  if (hard) {  // careful operators: nothing reused between applications of different hires
    for (SimApplication& app : w->applications) {
      if (app.persona < 0) continue;
      app.email = Lower(app.given) + "." + Lower(app.family) + Digits(rng, 3) + "@gmail.com";
      app.photo_seed = rng.Next();
    }
  }
  for (SimApplication& app : w->applications) {
    app.full_name = app.given + " " + app.family;
    app.photo = "photos/" + app.record_id + ".jpg";
  }
  (void)IsoDate;
  return w;
}

}  // namespace impostor
