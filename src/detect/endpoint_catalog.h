// EndpointCatalog: the shipped catalogues the device detectors match against,
// loaded at run time from data/catalog/:
//   lolrmm/rmm_tools.json            LOLRMM remote-management tools: names, PE file
//                                    names, installation paths, signers, domains
//   endpoint_software/endpoint_software.csv
//                                    VPN clients, mouse jigglers, LOLRMM entries that
//                                    are not remote control, DPRK-reported tools
//   ip_kvm/ip_kvm_usb_ids.csv        IP-KVM USB vendor/product ids and defaults
//   ip_kvm/ip_kvm_strings.csv        IP-KVM manufacturer/product strings and serials
// See data/catalog/README.md for provenance and refresh.
//
// Thread safety: immutable after Load; safe to share.
#ifndef IMPOSTOR_DETECT_ENDPOINT_CATALOG_H_
#define IMPOSTOR_DETECT_ENDPOINT_CATALOG_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "records/device.h"

namespace impostor {

struct RmmTool {
  std::string name;      // LOLRMM Name
  std::string category;  // "RMM" | "RAT"
  bool dprk_reported = false;
  std::vector<std::string> processes;      // lower-case executable names
  std::vector<std::string> path_prefixes;  // lower-case install paths ("c:\program files\anydesk\")
  std::vector<std::string> signers;        // lower-case signer names
  std::vector<std::string> domains;
};

struct SoftwareMatch {
  enum class Kind { kNone, kRmm, kVpnClient, kMouseJiggler };
  Kind kind = Kind::kNone;
  std::string name;         // tool name as catalogued
  const RmmTool* tool = nullptr;  // for kRmm
  std::string matched_on;   // "process name anydesk.exe", "install path", "program name", "signer"
};

struct KvmMatch {
  bool matched = false;
  std::string family;  // "PiKVM", "Linux USB gadget", ...
  bool strong = false; // a vendor-specific identifier rather than the generic gadget id
  std::string why;     // "USB 1d6b:0104 manufacturer \"PiKVM\""
};

// The four catalogue files as text, with the names errors cite.
struct EndpointCatalogTexts {
  std::string tools_json, tools_name = "rmm_tools.json";
  std::string software_csv, software_name = "endpoint_software.csv";
  std::string kvm_ids_csv, kvm_ids_name = "ip_kvm_usb_ids.csv";
  std::string kvm_strings_csv, kvm_strings_name = "ip_kvm_strings.csv";
};

class EndpointCatalog {
 public:
  // `dir` is the data/catalog folder. Missing or malformed files are errors
  // naming the file (and line for CSVs).
  static Result<EndpointCatalog> Load(const std::string& dir);
  // The same over the files' text already in memory (Load is this parser inside
  // its file reading).
  static Result<EndpointCatalog> Parse(const EndpointCatalogTexts& texts);
  // The shipped catalog folder: common/data_dir.h's CatalogDir() ($IMPOSTOR_DATA/catalog,
  // else the build-time data folder's).
  static std::string DefaultDir();

  // A program or process observation against the catalogues.
  SoftwareMatch MatchSoftware(const DeviceObservation& o) const;
  // A USB observation against the IP-KVM identifiers.
  KvmMatch MatchKvm(const DeviceObservation& o) const;

  size_t rmm_tools() const { return tools_.size(); }
  const std::vector<RmmTool>& tools() const { return tools_; }

 private:
  struct NamedSoftware {
    SoftwareMatch::Kind kind;
    std::string name;
    std::vector<std::string> processes, program_prefixes;
  };
  struct KvmId {
    std::string vid, pid, family;
    bool generic = false;  // 1d6b:0104, shared by every Linux gadget
  };
  struct KvmString {
    std::string value, family;
    bool strong = false;
  };
  std::vector<RmmTool> tools_;
  std::unordered_map<std::string, size_t> by_process_;  // exe name -> tool
  std::vector<std::pair<std::string, size_t>> by_path_;  // prefix -> tool
  std::unordered_map<std::string, size_t> by_name_;      // lower-case tool name -> tool
  std::vector<NamedSoftware> other_;
  std::vector<KvmId> kvm_ids_;
  std::vector<KvmString> kvm_strings_;
  std::vector<KvmString> kvm_serials_;
};

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_ENDPOINT_CATALOG_H_
