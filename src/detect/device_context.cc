#include "detect/device_context.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "common/json_writer.h"
#include "common/strings.h"

namespace impostor {

namespace {

int SourceRank(PersonSource s) {
  switch (s) {
    case PersonSource::kHr: return 0;
    case PersonSource::kPayroll: return 1;
    case PersonSource::kAccount: return 2;
    case PersonSource::kAts: return 3;
    default: return 4;
  }
}

}  // namespace

DeviceContext::DeviceContext(const EvidenceSet& evidence, const EndpointCatalog& catalog)
    : ev_(evidence), cat_(catalog) {
  if (ev_.devices) {
    for (const DeviceObservation& o : *ev_.devices) by_device_[o.device_id].push_back(&o);
    for (auto& [id, list] : by_device_) {
      std::stable_sort(list.begin(), list.end(),
                       [](const DeviceObservation* a, const DeviceObservation* b) { return a->time < b->time; });
      // The assigned user: an MDM check-in's user first, else any user that is a sign-in identity.
      std::string mdm_user, other_user;
      for (const DeviceObservation* o : list) {
        if (o->user.find('@') == std::string::npos) continue;
        if (o->kind == DeviceObservationKind::kMdmCheckIn && mdm_user.empty()) mdm_user = o->user;
        if (other_user.empty()) other_user = o->user;
      }
      std::string user = mdm_user.empty() ? other_user : mdm_user;
      if (!user.empty()) device_account_[id] = user;
    }
    JoinDevicesToAccounts();
  }
  if (ev_.people) {
    for (const Person& p : *ev_.people) {
      for (const std::string* key : {&p.user, &p.email}) {
        if (key->empty()) continue;
        std::string k = AsciiLower(*key);
        auto [it, inserted] = person_of_.emplace(k, &p);
        if (!inserted && SourceRank(p.source) < SourceRank(it->second->source)) it->second = &p;
        if (key == &p.user) break;  // e-mail only when there is no user
      }
    }
  }
  if (ev_.signins) {
    for (const auto& [ip, f] : ev_.signins->facts()) {
      if (!f.has_net) continue;
      ip_facts_[ip] = IpFacts{&f.net, f.geo.has_coordinates() ? &f.geo : nullptr,
                              static_cast<uint32_t>(f.accounts.size())};
    }
  }
}

namespace {

// Hardware serials and host names that stand for no one device: placeholders that
// virtual machines and unconfigured firmware report.
bool MeaningfulSerial(const std::string& serial) {
  if (serial.size() < 5) return false;
  const std::string s = AsciiLower(serial);
  for (const char* junk : {"to be filled", "default string", "system serial", "not specified", "none", "0000000",
                           "123456789", "vmware", "parallels", "virtualbox"}) {
    if (s.find(junk) != std::string::npos) return false;
  }
  return true;
}

bool MeaningfulHostname(const std::string& host) {
  const std::string h = AsciiLower(host);
  return h.size() >= 4 && h != "localhost" && h.rfind("localhost.", 0) != 0 && h != "ubuntu" && h != "debian" &&
         h != "macbook-pro" && h != "macbook-air" && h != "desktop" && h != "laptop";
}

}  // namespace

// Fleets deploy osquery with the host identifier, hostname, serial and the local
// user name, not the identity-provider account; the account is on another
// inventory's record of the same machine (MDM, Defender). Joins, strongest first:
// the hardware serial, then the host name (each only when it names one account),
// then the local user name against the local part of exactly one known account.
void DeviceContext::JoinDevicesToAccounts() {
  std::unordered_map<std::string, std::set<std::string>> by_serial, by_host;
  std::unordered_map<std::string, std::string> serial_device, host_device;
  for (const auto& [id, list] : by_device_) {
    auto account = device_account_.find(id);
    if (account == device_account_.end()) continue;
    for (const DeviceObservation* o : list) {
      if (MeaningfulSerial(o->serial)) {
        const std::string k = AsciiLower(o->serial);
        by_serial[k].insert(account->second);
        serial_device.emplace(k, id);
      }
      if (MeaningfulHostname(o->hostname)) {
        const std::string k = AsciiLower(o->hostname);
        by_host[k].insert(account->second);
        host_device.emplace(k, id);
      }
    }
  }
  // Local parts of the known accounts (sign-ins and people records).
  std::unordered_map<std::string, std::set<std::string>> by_local;
  auto add_account = [&](const std::string& upn) {
    const size_t at = upn.find('@');
    if (at == std::string::npos || at < 3) return;
    const std::string lower = AsciiLower(upn);
    by_local[lower.substr(0, at)].insert(lower);
  };
  if (ev_.signins)
    for (const std::string& account : ev_.signins->accounts()) add_account(account);
  if (ev_.people)
    for (const Person& p : *ev_.people) add_account(p.user);
  for (const auto& [id, list] : by_device_) {
    if (device_account_.count(id)) continue;
    std::string serial, serial_text, host, local_user;
    for (const DeviceObservation* o : list) {
      if (serial.empty() && MeaningfulSerial(o->serial)) {
        serial = AsciiLower(o->serial);
        serial_text = o->serial;
      }
      if (host.empty() && MeaningfulHostname(o->hostname)) host = AsciiLower(o->hostname);
      if (local_user.empty() && !o->user.empty() && o->user.find('@') == std::string::npos) local_user = AsciiLower(o->user);
    }
    if (auto it = by_serial.find(serial); !serial.empty() && it != by_serial.end() && it->second.size() == 1) {
      device_account_[id] = *it->second.begin();
      device_link_[id] = "hardware serial " + serial_text + " of device " + serial_device[serial];
    } else if (auto h = by_host.find(host); !host.empty() && h != by_host.end() && h->second.size() == 1) {
      device_account_[id] = *h->second.begin();
      device_link_[id] = "host name " + host + " of device " + host_device[host];
    } else if (auto l = by_local.find(local_user); !local_user.empty() && l != by_local.end() && l->second.size() == 1) {
      device_account_[id] = *l->second.begin();
      device_link_[id] = "local user name " + local_user + " (weak: the account's local part)";
    }
  }
}

std::string DeviceContext::AccountLinkOf(const std::string& device) const {
  auto it = device_link_.find(device);
  return it == device_link_.end() ? "" : it->second;
}

std::string DeviceContext::AccountOf(const std::string& device) const {
  auto it = device_account_.find(device);
  return it == device_account_.end() ? "" : it->second;
}

const Person* DeviceContext::PersonOf(const std::string& account) const {
  auto it = person_of_.find(account);
  return it == person_of_.end() ? nullptr : it->second;
}

std::string DeviceContext::OrgOf(const std::string& account) const {
  if (const Person* p = PersonOf(account); p && !p->org.empty()) return p->org;
  if (ev_.signins)
    if (const std::string* tenant = ev_.signins->TenantOf(account)) return *tenant;
  size_t at = account.find('@');
  return at == std::string::npos ? "" : account.substr(at + 1);
}

std::string DeviceContext::IdentityOf(const std::string& account) const {
  const Person* p = PersonOf(account);
  if (!p) return "account:" + account;
  if (!p->national_id.empty()) return "national_id:" + p->national_id;
  if (!p->full_name.empty() && !p->dob.empty()) return "name_dob:" + AsciiLower(p->full_name) + "|" + p->dob;
  return "account:" + account;
}

const IpFacts* DeviceContext::FactsOf(const std::string& ip) const {
  auto it = ip_facts_.find(ip);
  return it == ip_facts_.end() ? nullptr : &it->second;
}

std::vector<SignInSummary::CityPlace> DeviceContext::CityPlaces(const std::string& country, const std::string& region,
                                                                const std::string& city) const {
  if (!ev_.signins) return {};
  return ev_.signins->CityPlaces(country, region, city);
}

TimeMs DeviceContext::FirstCheckIn(const std::string& device) const {
  auto it = by_device_.find(device);
  if (it == by_device_.end() || it->second.empty()) return 0;
  TimeMs first_any = 0;
  for (const DeviceObservation* o : it->second) {
    if (o->time <= 0) continue;
    if (o->kind == DeviceObservationKind::kMdmCheckIn) return o->time;  // sorted: the earliest check-in
    if (first_any == 0) first_any = o->time;
  }
  return first_any;
}

}  // namespace impostor
