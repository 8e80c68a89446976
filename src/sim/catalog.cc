#include "sim/catalog.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace impostor {

const char* NetKindName(NetKind k) {
  switch (k) {
    case NetKind::kResidential: return "residential";
    case NetKind::kMobile: return "mobile";
    case NetKind::kBusiness: return "business";
    case NetKind::kVpn: return "vpn";
    case NetKind::kHosting: return "hosting";
  }
  return "?";
}

std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  out.push_back(std::move(cur));
  return out;
}

int SimCatalog::CityIndex(std::string_view name) const {
  for (size_t i = 0; i < cities.size(); ++i) {
    if (cities[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string SimCatalog::CountryName(const std::string& code) const {
  auto it = country_names.find(code);
  return it == country_names.end() ? code : it->second;
}

namespace {

// Reads the data lines of a catalogue file: skips '#' comments, blank lines and,
// when `header` is given, the header line (checked).
Status ReadLines(const std::string& path, const char* header,
                 std::vector<std::pair<int, std::string>>* lines) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open simulator catalogue " + path);
  std::string line;
  int n = 0;
  bool seen_header = header == nullptr;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (!seen_header) {
      if (line.rfind(header, 0) != 0) {
        return Status::Corruption(path + ":" + std::to_string(n) + ": expected header '" + header + "'");
      }
      seen_header = true;
      continue;
    }
    lines->emplace_back(n, line);
  }
  return Status::OK();
}

Status Bad(const std::string& path, int line, const std::string& what) {
  return Status::Corruption(path + ":" + std::to_string(line) + ": " + what);
}

bool ParseDouble(const std::string& s, double* v) {
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

}  // namespace

Result<SimCatalog> LoadSimCatalog(const std::string& data_dir) {
  SimCatalog cat;
  const std::string dir = data_dir + "/sim/";
  std::vector<std::pair<int, std::string>> lines;

  std::string path = dir + "cities.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, "city,region,country", &lines));
  for (auto& [n, line] : lines) {
    auto f = SplitCsvLine(line);
    if (f.size() != 8) return Bad(path, n, "expected 8 columns");
    SimCity c;
    c.name = f[0];
    c.region = f[1];
    c.country = f[2];
    c.timezone = f[5];
    if (!ParseDouble(f[3], &c.lat) || !ParseDouble(f[4], &c.lon) || !ParseDouble(f[6], &c.weight)) {
      return Bad(path, n, "lat, lon and weight must be numbers");
    }
    std::stringstream roles(f[7]);
    std::string r;
    while (std::getline(roles, r, ';')) {
      if (r == "home") c.roles |= kRoleHome;
      else if (r == "hq") c.roles |= kRoleHq;
      else if (r == "conference") c.roles |= kRoleConference;
      else if (r == "china_trip") c.roles |= kRoleChinaTrip;
      else if (r == "operator") c.roles |= kRoleOperator;
      else if (r == "farm") c.roles |= kRoleFarm;
      else return Bad(path, n, "unknown role '" + r + "'");
    }
    cat.cities.push_back(std::move(c));
  }

  lines.clear();
  path = dir + "countries.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, "code,name", &lines));
  for (auto& [n, line] : lines) {
    auto f = SplitCsvLine(line);
    if (f.size() != 2) return Bad(path, n, "expected 2 columns");
    cat.country_names[f[0]] = f[1];
  }

  for (auto [file, vec] : {std::pair{"first_names.txt", &cat.given_names},
                           std::pair{"last_names.txt", &cat.family_names}}) {
    lines.clear();
    path = dir + file;
    IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, nullptr, &lines));
    for (auto& [n, line] : lines) vec->push_back(line);
    if (vec->size() < 10) return Bad(path, 0, "needs at least 10 names");
  }

  lines.clear();
  path = dir + "networks.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, "kind,country,asn,label", &lines));
  for (auto& [n, line] : lines) {
    auto f = SplitCsvLine(line);
    if (f.size() != 4) return Bad(path, n, "expected 4 columns");
    SimNetwork net;
    if (f[0] == "residential") net.kind = NetKind::kResidential;
    else if (f[0] == "mobile") net.kind = NetKind::kMobile;
    else if (f[0] == "business") net.kind = NetKind::kBusiness;
    else if (f[0] == "vpn") net.kind = NetKind::kVpn;
    else if (f[0] == "hosting") net.kind = NetKind::kHosting;
    else return Bad(path, n, "unknown kind '" + f[0] + "'");
    net.country = f[1];
    net.asn = static_cast<uint32_t>(std::strtoul(f[2].c_str(), nullptr, 10));
    if (net.asn == 0) return Bad(path, n, "bad asn");
    net.label = f[3];
    cat.networks.push_back(std::move(net));
  }

  lines.clear();
  path = dir + "software.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, "kind,name,version", &lines));
  for (auto& [n, line] : lines) {
    auto f = SplitCsvLine(line);
    if (f.size() != 6) return Bad(path, n, "expected 6 columns");
    cat.software.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
  }

  lines.clear();
  path = dir + "usb_devices.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, "vendor,vendor_id", &lines));
  for (auto& [n, line] : lines) {
    auto f = SplitCsvLine(line);
    if (f.size() != 5) return Bad(path, n, "expected 5 columns");
    cat.usb.push_back({f[0], f[1], f[2], f[3], f[4]});
  }

  lines.clear();
  path = dir + "ip_kvm_usb_ids.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadLines(path, "device_family,usb_vid", &lines));
  for (auto& [n, line] : lines) {
    auto f = SplitCsvLine(line);
    if (f.size() < 6) return Bad(path, n, "expected at least 6 columns");
    if (f[1].rfind("0x", 0) != 0 || f[3].find("(varies)") != std::string::npos) continue;
    auto first_word = [](const std::string& s) {
      auto p = s.find(" (");
      return p == std::string::npos ? s : s.substr(0, p);
    };
    std::string serial = f[5] == "(empty)" ? "" : f[5];
    cat.kvm.push_back({first_word(f[0]), f[1].substr(2), f[2].substr(2), first_word(f[3]), first_word(f[4]), serial});
  }
  if (cat.cities.empty() || cat.networks.empty() || cat.kvm.empty()) {
    return Status::Corruption("simulator catalogues in " + dir + " are incomplete");
  }
  return cat;
}

}  // namespace impostor
