// World: the entities of a simulated world (organisations, people, accounts, devices,
// laptop farms, operators, personas) and the functions that build it and write it.
// Internal to the simulator; Simulate() in simulate.h is the entry point.
//
// Ownership and thread safety: a World owns everything it describes and is immutable
// once BuildWorld() returns, so event generation may read it from several threads.
#ifndef IMPOSTOR_SIM_WORLD_H_
#define IMPOSTOR_SIM_WORLD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/status.h"
#include "common/time.h"
#include "sim/catalog.h"
#include "sim/ip_pool.h"
#include "sim/simulate.h"

namespace impostor {

constexpr uint32_t kNoBlock = 0xffffffffu;

// Honest look-alikes: legitimate behaviour that resembles fraud (truth "lookalikes").
enum Lookalike : uint32_t {
  kLkCorpVpnAbroad = 1 << 0,    // corporate VPN egress in another country
  kLkMobileHub = 1 << 1,        // mobile carrier IP geolocated to a hub far from home
  kLkChinaTrip = 1 << 2,        // traveller to China using a VPN there
  kLkSharedHomeIp = 1 << 3,     // couple at one firm sharing a home IP
  kLkIpv6Flip = 1 << 4,         // home alternates IPv4 and IPv6
  kLkGeoMoved = 1 << 5,         // the IdP's geolocation of the home IP moved mid-window
  kLkFamilyPhone = 1 << 6,      // shared family phone for MFA
  kLkItRmm = 1 << 7,            // IT support staff with a sanctioned remote-control tool
  kLkBusinessTrip = 1 << 8,     // business trip / conference in the window (not suspicious, but moves)
  kLkPersonalVpn = 1 << 9,      // a consumer VPN on the laptop and phone, often exiting abroad
  kLkTwoJobs = 1 << 10,         // an honest second job at another employer (HR and payroll there)
};
constexpr int kLookalikeKinds = 11;
const char* LookalikeName(int bit_index);

// An address handed out to someone: the block it lies in and the address.
struct SimIp {
  IpAddress ip;
  uint32_t block = kNoBlock;
  bool valid() const { return block != kNoBlock; }
};

struct SimOrg {
  std::string id, name, domain, tenant_id;
  bool entra = true;
  int hq_city = 0;
  std::vector<SimIp> egress;      // office / ZTNA egress at HQ
  std::vector<SimIp> vpn_abroad;  // corporate VPN concentrator in another country (may be empty)
};

struct SimPerson {
  std::string id;
  std::string kind;  // employee | fabricated | identity_owner | facilitator
  std::string given, family, email, phone, dob, national_id, address, postcode, bank;
  int city = 0;
  uint64_t photo_seed = 0;
  bool fraud = false;
};

struct SimTrip {
  int dest_city = 0;
  std::string kind;  // business_trip | conference | china_trip
  TimeMs depart = 0, arrive = 0, depart_back = 0, arrive_back = 0;
  double km = 0;
  SimIp hotel, mobile, vpn;
};

struct SimAccount {
  std::string upn, user_id, display_name;
  int org = 0;
  int person = 0;
  bool fraud = false;
  TimeMs hired = 0;
  int home_city = 0;  // where the account's person lives (legit) or claims to live (fraud)
  SimIp home, home6, mobile;
  SimIp personal_vpn;  // kLkPersonalVpn: the consumer VPN's exit
  std::string bssid;
  uint32_t lookalikes = 0;
  bool commuter = false;
  int laptop = -1, phone = -1;
  std::string mfa_phone, authenticator_id;
  int geo_moved_day = -1;
  uint32_t geo_old_place = 0;
  std::vector<SimTrip> trips;
  // Fraud scheme.
  int farm = -1, op = -1, persona = -1;
  int ats_record = -1;  // index of the application that led to the hire
  std::string bank, payout;
};

struct SimDevice {
  std::string id, hostname, serial, kind;  // kind: laptop | phone
  std::string os, tz;
  int account = -1;
  int farm = -1;
  int kvm = -1;               // index into catalog.kvm, -1 none
  std::vector<int> rmm;       // indices into catalog.software (kind rmm / vpn_client)
  std::vector<int> software;  // ordinary software indices
  std::vector<int> usb;       // ordinary USB peripherals
  uint64_t seed = 0;
};

struct SimFarm {
  std::string id;
  int city = 0;
  SimIp ip;
  std::string bssid, address;
  int facilitator = -1;  // person
  std::vector<int> devices, accounts;
  bool kvm = false;
  std::string bank;
};

struct SimOperator {
  std::string id;
  int city = 0;
  SimIp direct, vpn;
  // Residential proxies (careful operators): home lines in the claimed country that
  // the operator rents; empty = the operator uses `vpn`.
  std::vector<SimIp> proxies;
  std::vector<int> accounts;
  std::string voip_phone, authenticator_id;
  double us_hours_share = 0.5;
};

// One application to an organisation (an ATS record).
struct SimApplication {
  std::string record_id;
  int org = 0;
  int person = 0;
  int persona = -1;
  std::string full_name, given, family, email, phone, photo;
  uint64_t photo_seed = 0, photo_edit_seed = 0;  // edit_seed 0 = base image
  int account = -1;  // hired as
  TimeMs applied = 0;
};

struct SimPersona {
  std::string id;
  std::string kind;  // fabricated | rented
  int person = 0;
  int op = -1;
  std::vector<int> accounts, applications;
};

struct ImpossibleLeg {
  int account = 0;
  TimeMs t1 = 0, t2 = 0;
  std::string ip1, ip2, from, to;
  double km = 0, kmh = 0;
};

struct World {
  SimOptions options;
  const SimCatalog* catalog = nullptr;
  const IpUniverse* ips = nullptr;
  TimeMs start = 0, end = 0;
  int first_offset_day = 0;                 // day index of offsets_[*][0] relative to start
  std::vector<std::vector<int32_t>> offsets;  // per city, per day: UTC offset in minutes
  std::vector<SimOrg> orgs;
  std::vector<SimPerson> people;
  std::vector<SimAccount> accounts;
  std::vector<SimDevice> devices;
  std::vector<SimFarm> farms;
  std::vector<SimOperator> operators;
  std::vector<SimPersona> personas;
  std::vector<SimApplication> applications;

  // UTC offset (ms) of catalogue city `city` at time t.
  TimeMs OffsetMs(int city, TimeMs t) const;
};

Result<std::unique_ptr<World>> BuildWorld(const SimOptions& options, const SimCatalog& catalog,
                                          const IpUniverse& ips);

}  // namespace impostor

#endif  // IMPOSTOR_SIM_WORLD_H_
