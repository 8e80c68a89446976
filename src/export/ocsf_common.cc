#include "export/ocsf_common.h"

#include <cstdio>

namespace impostor {

void WriteOcsfVersionAndProduct(JsonWriter& w, const OcsfOptions& options) {
  w.Field("version", options.schema_version);
  w.Key("product");
  w.BeginObject();
  w.Field("name", "impostor");
  w.Field("uid", "impostor");
  w.Field("vendor_name", "impostor");
  w.Field("version", options.product_version);
  w.EndObject();
}

void MakeOcsfFloat(std::string& number_text) {
  if (number_text.find_first_of(".eEn") == std::string::npos) number_text += ".0";
}

void WriteOcsfFloat(JsonWriter& w, std::string_view key, double value) {
  std::string text;
  AppendJsonDouble(&text, value);
  MakeOcsfFloat(text);
  w.RawField(key, text);
}

std::string OcsfIdHash::Hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
  return buf;
}

}  // namespace impostor
