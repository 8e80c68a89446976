// Fuzz target: the endpoint catalogues (src/detect/endpoint_catalog.*). The input
// is the four files in the order of EndpointCatalogTexts, separated by lines
// "----8<----"; a file the input leaves out is a small valid text, so each
// file's parser is reached on its own. A catalogue that loads is matched against
// a program, a process and a USB device.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "detect/endpoint_catalog.h"
#include "records/device.h"

namespace {

constexpr char kTools[] =
    R"([{"Name":"ExampleDesk","Category":"RMM","Details":{"PEMetadata":[{"Filename":"exampledesk.exe"}],)"
    R"("InstallationPaths":["C:\\Program Files\\ExampleDesk\\*"]},"CodeSigning":{"certificates":[{"signer_name":"Example Ltd"}]},)"
    R"("Artifacts":{"Network":[{"Domains":["relay.example.com"]}]}}])";
constexpr char kSoftware[] = "kind,name,processes,program_prefixes\nvpn_client,ExampleVPN,examplevpn.exe,ExampleVPN\n";
constexpr char kKvmIds[] = "family,vid,pid\nExampleKVM,0x1d6b,0x0104\n";
constexpr char kKvmStrings[] = "kind,value,family,strength\nmanufacturer,ExampleKVM,ExampleKVM,strong\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  impostor::EndpointCatalogTexts texts;
  texts.tools_json = kTools;
  texts.software_csv = kSoftware;
  texts.kvm_ids_csv = kKvmIds;
  texts.kvm_strings_csv = kKvmStrings;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string* parts[] = {&texts.tools_json, &texts.software_csv, &texts.kvm_ids_csv, &texts.kvm_strings_csv};
  constexpr std::string_view kSeparator = "\n----8<----\n";
  for (std::string* part : parts) {
    if (input.empty()) break;
    size_t end = input.find(kSeparator);
    *part = std::string(input.substr(0, end));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + kSeparator.size());
  }
  auto catalog = impostor::EndpointCatalog::Parse(texts);
  if (!catalog.ok()) return 0;
  impostor::DeviceObservation o;
  o.kind = impostor::DeviceObservationKind::kProgram;
  o.name = "ExampleDesk 7.1";
  o.path = "C:\\Program Files\\ExampleDesk\\exampledesk.exe";
  (void)catalog->MatchSoftware(o);
  o.kind = impostor::DeviceObservationKind::kProcess;
  o.name = "exampledesk.exe";
  (void)catalog->MatchSoftware(o);
  o.kind = impostor::DeviceObservationKind::kUsbDevice;
  o.usb_vendor_id = "1d6b";
  o.usb_product_id = "0104";
  o.usb_vendor = "ExampleKVM";
  o.usb_serial = "CAFEBABE";
  (void)catalog->MatchKvm(o);
  return 0;
}
