#include "detect/endpoint_catalog.h"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "common/data_dir.h"
#include "common/strings.h"

namespace impostor {

namespace {

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  return std::string(s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1));
}

// The basename of a Windows or POSIX path.
std::string BaseName(std::string_view path) {
  size_t slash = path.find_last_of("\\/");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string item = AsciiLower(Trim(s.substr(start, end - start)));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

// One line of a catalogue CSV (fields may be quoted; catalogue rows never span lines).
std::vector<std::string> SplitCatalogLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// Calls row(fields) for each data row of catalogue CSV `text` (after the header;
// '#' lines are comments). `name` is the file named in errors.
Status ForEachCatalogRow(std::string_view text, const std::string& name, size_t min_fields,
                         const std::function<void(const std::vector<std::string>&)>& row) {
  uint64_t n = 0;
  bool header = false;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string line(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      header = true;
      continue;
    }
    std::vector<std::string> fields = SplitCatalogLine(line);
    if (fields.size() < min_fields)
      return Status::Corruption(name + ":" + std::to_string(n) + ": expected " + std::to_string(min_fields) +
                                " fields, got " + std::to_string(fields.size()));
    row(fields);
  }
  return Status::OK();
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("catalogue not found or unreadable: " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read catalogue " + path);
  *out = std::move(text).str();
  return Status::OK();
}

// "C:\Program Files\AnyDesk\*" -> "c:\program files\anydesk\"; "" for bare names.
std::string PathPrefix(std::string_view raw) {
  std::string p = AsciiLower(Trim(raw));
  while (!p.empty() && (p.back() == '*')) p.pop_back();
  if (p.find('\\') == std::string::npos && p.find('/') == std::string::npos) return "";
  if (p.find('%') != std::string::npos || p.find('<') != std::string::npos) return "";  // templated user paths
  if (p.size() < 8) return "";
  return p;
}

}  // namespace

std::string EndpointCatalog::DefaultDir() { return CatalogDir(); }

Result<EndpointCatalog> EndpointCatalog::Load(const std::string& dir) {
  EndpointCatalogTexts texts;
  texts.tools_name = dir + "/lolrmm/rmm_tools.json";
  texts.software_name = dir + "/endpoint_software/endpoint_software.csv";
  texts.kvm_ids_name = dir + "/ip_kvm/ip_kvm_usb_ids.csv";
  texts.kvm_strings_name = dir + "/ip_kvm/ip_kvm_strings.csv";
  IMPOSTOR_RETURN_IF_ERROR(ReadWholeFile(texts.tools_name, &texts.tools_json));
  IMPOSTOR_RETURN_IF_ERROR(ReadWholeFile(texts.software_name, &texts.software_csv));
  IMPOSTOR_RETURN_IF_ERROR(ReadWholeFile(texts.kvm_ids_name, &texts.kvm_ids_csv));
  IMPOSTOR_RETURN_IF_ERROR(ReadWholeFile(texts.kvm_strings_name, &texts.kvm_strings_csv));
  return Parse(texts);
}

Result<EndpointCatalog> EndpointCatalog::Parse(const EndpointCatalogTexts& texts) {
  EndpointCatalog cat;
  const std::string& tools_path = texts.tools_name;
  simdjson::dom::parser parser;
  simdjson::padded_string json(texts.tools_json);
  simdjson::dom::array tools;
  if (auto e = parser.parse(json).get_array().get(tools))
    return Status::Corruption(tools_path + ": not a JSON array of tools (" + simdjson::error_message(e) + ")");
  for (simdjson::dom::element t : tools) {
    RmmTool tool;
    std::string_view s;
    if (t["Name"].get_string().get(s)) continue;
    tool.name = Trim(s);
    if (!t["Category"].get_string().get(s)) tool.category = s;
    simdjson::dom::array list;
    if (!t["Details"]["PEMetadata"].get_array().get(list)) {
      for (simdjson::dom::element pe : list) {
        for (const char* key : {"Filename", "OriginalFileName"}) {
          if (!pe[key].get_string().get(s) && !Trim(s).empty()) tool.processes.push_back(AsciiLower(BaseName(Trim(s))));
        }
      }
    }
    if (!t["Details"]["InstallationPaths"].get_array().get(list)) {
      for (simdjson::dom::element p : list) {
        if (p.get_string().get(s)) continue;
        std::string prefix = PathPrefix(s);
        if (!prefix.empty()) {
          tool.path_prefixes.push_back(prefix);
        } else {
          std::string name = AsciiLower(Trim(s));
          if (name.find('*') == std::string::npos && name.find(' ') == std::string::npos && name.size() >= 5)
            tool.processes.push_back(name);
        }
      }
    }
    if (!t["CodeSigning"]["certificates"].get_array().get(list)) {
      for (simdjson::dom::element c : list) {
        if (!c["signer_name"].get_string().get(s) && !Trim(s).empty()) tool.signers.push_back(AsciiLower(Trim(s)));
      }
    }
    if (!t["Artifacts"]["Network"].get_array().get(list)) {
      for (simdjson::dom::element n : list) {
        simdjson::dom::array domains;
        if (n["Domains"].get_array().get(domains)) continue;
        for (simdjson::dom::element d : domains) {
          if (!d.get_string().get(s)) tool.domains.emplace_back(s);
        }
      }
    }
    std::sort(tool.processes.begin(), tool.processes.end());
    tool.processes.erase(std::unique(tool.processes.begin(), tool.processes.end()), tool.processes.end());
    cat.tools_.push_back(std::move(tool));
  }
  if (cat.tools_.empty()) return Status::Corruption(tools_path + ": no tools");

  // Named software: VPN clients, jigglers, exclusions, DPRK-reported weights.
  std::vector<std::string> not_remote;
  std::vector<std::string> dprk;
  Status st = ForEachCatalogRow(texts.software_csv, texts.software_name, 4, [&](const std::vector<std::string>& f) {
    const std::string kind = Trim(f[0]);
    if (kind == "not_remote_control") {
      not_remote.push_back(AsciiLower(Trim(f[1])));
    } else if (kind == "dprk_reported") {
      dprk.push_back(AsciiLower(Trim(f[1])));
    } else if (kind == "vpn_client" || kind == "mouse_jiggler") {
      NamedSoftware n;
      n.kind = kind == "vpn_client" ? SoftwareMatch::Kind::kVpnClient : SoftwareMatch::Kind::kMouseJiggler;
      n.name = Trim(f[1]);
      n.processes = SplitList(f[2]);
      n.program_prefixes = SplitList(f[3]);
      cat.other_.push_back(std::move(n));
    }
  });
  if (!st.ok()) return st;
  std::vector<RmmTool> kept;
  for (RmmTool& t : cat.tools_) {
    std::string lower = AsciiLower(t.name);
    if (std::find(not_remote.begin(), not_remote.end(), lower) != not_remote.end()) continue;
    t.dprk_reported = std::find(dprk.begin(), dprk.end(), lower) != dprk.end();
    kept.push_back(std::move(t));
  }
  cat.tools_ = std::move(kept);
  for (size_t i = 0; i < cat.tools_.size(); ++i) {
    const RmmTool& t = cat.tools_[i];
    cat.by_name_.emplace(AsciiLower(t.name), i);
    for (const std::string& p : t.processes) cat.by_process_.emplace(p, i);
    for (const std::string& p : t.path_prefixes) cat.by_path_.emplace_back(p, i);
  }
  // Longest prefix first.
  std::sort(cat.by_path_.begin(), cat.by_path_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  // IP-KVM identifiers.
  st = ForEachCatalogRow(texts.kvm_ids_csv, texts.kvm_ids_name, 3, [&](const std::vector<std::string>& f) {
    KvmId id;
    id.family = Trim(f[0]);
    id.vid = AsciiLower(Trim(f[1]));
    id.pid = AsciiLower(Trim(f[2]));
    if (id.vid.rfind("0x", 0) == 0) id.vid = id.vid.substr(2);
    if (id.pid.rfind("0x", 0) == 0) id.pid = id.pid.substr(2);
    id.generic = id.vid == "1d6b";  // the Linux Foundation's gadget ids, shared by every gadget
    if (id.vid.size() == 4 && id.pid.size() == 4) cat.kvm_ids_.push_back(id);
  });
  if (!st.ok()) return st;
  st = ForEachCatalogRow(texts.kvm_strings_csv, texts.kvm_strings_name, 4, [&](const std::vector<std::string>& f) {
    KvmString s{Trim(f[1]), Trim(f[2]), Trim(f[3]) == "strong"};
    if (Trim(f[0]) == "serial") cat.kvm_serials_.push_back(s);
    else {
      s.value = AsciiLower(s.value);
      cat.kvm_strings_.push_back(s);
    }
  });
  if (!st.ok()) return st;
  return cat;
}

SoftwareMatch EndpointCatalog::MatchSoftware(const DeviceObservation& o) const {
  SoftwareMatch m;
  if (o.kind != DeviceObservationKind::kProgram && o.kind != DeviceObservationKind::kProcess) return m;
  const std::string name = AsciiLower(Trim(o.name));
  const std::string exe = AsciiLower(BaseName(o.path));
  const std::string path = AsciiLower(o.path);
  // Other named software first: Astrill is not in LOLRMM, and a jiggler is not RMM.
  for (const NamedSoftware& n : other_) {
    for (const std::string& p : n.processes) {
      if (p == exe || (o.kind == DeviceObservationKind::kProcess && p == name)) {
        m.kind = n.kind;
        m.name = n.name;
        m.matched_on = "process name " + p;
        return m;
      }
    }
    for (const std::string& prefix : n.program_prefixes) {
      if (o.kind == DeviceObservationKind::kProgram && name.rfind(prefix, 0) == 0) {
        m.kind = n.kind;
        m.name = n.name;
        m.matched_on = "program name";
        return m;
      }
    }
  }
  auto hit = [&](size_t i, std::string why) {
    m.kind = SoftwareMatch::Kind::kRmm;
    m.tool = &tools_[i];
    m.name = tools_[i].name;
    m.matched_on = std::move(why);
    return m;
  };
  if (o.kind == DeviceObservationKind::kProcess) {
    if (auto it = by_process_.find(exe.empty() ? name : exe); it != by_process_.end())
      return hit(it->second, "process name " + it->first);
    if (auto it = by_process_.find(name); it != by_process_.end()) return hit(it->second, "process name " + it->first);
  } else {
    // Program display name: the tool's name, or the tool's name followed by more words
    // ("Chrome Remote Desktop Host"); short names must match whole.
    for (size_t len = name.size(); len >= 4; --len) {
      if (len < name.size() && name[len] != ' ') continue;
      if (auto it = by_name_.find(name.substr(0, len)); it != by_name_.end()) return hit(it->second, "program name");
    }
  }
  if (!path.empty()) {
    for (const auto& [prefix, i] : by_path_) {
      if (path.rfind(prefix, 0) == 0) return hit(i, "install path " + prefix);
    }
  }
  if (!o.signer.empty()) {
    const std::string signer = AsciiLower(o.signer);
    for (size_t i = 0; i < tools_.size(); ++i) {
      for (const std::string& s : tools_[i].signers) {
        if (s == signer) return hit(i, "signer " + s);
      }
    }
  }
  return m;
}

KvmMatch EndpointCatalog::MatchKvm(const DeviceObservation& o) const {
  KvmMatch m;
  if (o.kind != DeviceObservationKind::kUsbDevice) return m;
  const std::string text = AsciiLower(o.usb_vendor + " | " + o.usb_model);
  const std::string ids = o.usb_vendor_id + ":" + o.usb_product_id;
  for (const KvmString& s : kvm_strings_) {
    if (text.find(s.value) != std::string::npos) {
      m.matched = true;
      m.family = s.family;
      m.strong = s.strong;
      m.why = "USB " + ids + " \"" + o.usb_vendor + "\" \"" + o.usb_model + "\" names " + s.family;
      if (s.strong) return m;
    }
  }
  for (const KvmString& s : kvm_serials_) {
    if (!o.usb_serial.empty() && AsciiLower(o.usb_serial) == AsciiLower(s.value) &&
        (s.strong || o.usb_vendor_id == "1d6b" || m.matched)) {
      m.matched = true;
      m.family = s.family;
      m.strong = true;
      m.why = "USB " + ids + " serial " + o.usb_serial + " is the " + s.family + " default";
      return m;
    }
  }
  if (m.matched) return m;
  for (const KvmId& id : kvm_ids_) {
    if (o.usb_vendor_id == id.vid && o.usb_product_id == id.pid) {
      m.matched = true;
      m.strong = !id.generic;
      m.family = id.generic ? "Linux USB gadget (PiKVM/TinyPilot/JetKVM default)" : id.family;
      m.why = "USB " + ids + (id.generic ? " is the Linux Foundation multifunction composite gadget id" : " is the " + id.family + " default id");
      return m;
    }
  }
  return m;
}

}  // namespace impostor
