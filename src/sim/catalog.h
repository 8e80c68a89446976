// SimCatalog: the world-building catalogues of the simulator (data/sim/): cities with
// coordinates and time zones, country names, given and family names, the networks
// addresses are drawn from, laptop software, USB peripherals and IP-KVM USB ids.
//
// Plain value, loaded once; read-only afterwards and safe to share between threads.
#ifndef IMPOSTOR_SIM_CATALOG_H_
#define IMPOSTOR_SIM_CATALOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace impostor {

// Roles of a city (cities.csv "roles" column).
enum CityRole : uint32_t {
  kRoleHome = 1,
  kRoleHq = 2,
  kRoleConference = 4,
  kRoleChinaTrip = 8,
  kRoleOperator = 16,
  kRoleFarm = 32,
};

struct SimCity {
  std::string name;
  std::string region;
  std::string country;  // ISO alpha-2
  double lat = 0;
  double lon = 0;
  std::string timezone;  // IANA
  double weight = 0;     // share of employees living there
  uint32_t roles = 0;    // CityRole bits
};

enum class NetKind : uint8_t { kResidential = 0, kMobile, kBusiness, kVpn, kHosting };
constexpr int kNetKinds = 5;
const char* NetKindName(NetKind k);

struct SimNetwork {
  NetKind kind;
  std::string country;  // "*" = anywhere
  uint32_t asn = 0;
  std::string label;
};

struct SimSoftware {
  std::string kind;  // standard | common | rmm | vpn_client
  std::string name, version, publisher, process, path;
};

struct SimUsbModel {
  std::string vendor, vendor_id, model, model_id, usb_class;
};

struct SimKvmModel {
  std::string family, vendor_id, product_id, manufacturer, product, serial;
};

struct SimCatalog {
  std::vector<SimCity> cities;
  std::map<std::string, std::string> country_names;  // "US" -> "United States"
  std::vector<std::string> given_names;
  std::vector<std::string> family_names;
  std::vector<SimNetwork> networks;
  std::vector<SimSoftware> software;
  std::vector<SimUsbModel> usb;
  std::vector<SimKvmModel> kvm;

  int CityIndex(std::string_view name) const;  // -1 if absent
  std::string CountryName(const std::string& code) const;  // the code itself if unknown
};

// Loads data_dir/sim/*.csv|txt. Errors name the file and line.
Result<SimCatalog> LoadSimCatalog(const std::string& data_dir);

// Splits one CSV line (RFC 4180 quoting; no embedded newlines).
std::vector<std::string> SplitCsvLine(std::string_view line);

}  // namespace impostor

#endif  // IMPOSTOR_SIM_CATALOG_H_
