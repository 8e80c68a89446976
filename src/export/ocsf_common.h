// Pieces every OCSF event impostor writes shares (ocsf_finding.cc for Detection
// Finding 2004, ocsf_authentication.cc for Authentication 3002): the metadata's
// schema version and product, float_t numbers, and stable 64-bit event ids.
//
// Thread safety: pure functions; an OcsfIdHash is a value used by one thread.
#ifndef IMPOSTOR_EXPORT_OCSF_COMMON_H_
#define IMPOSTOR_EXPORT_OCSF_COMMON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "export/ocsf_finding.h"

namespace impostor {

// Inside metadata: "version" (options.schema_version) and the "product" object.
void WriteOcsfVersionAndProduct(JsonWriter& w, const OcsfOptions& options);

// float_t must be a JSON float: a whole number ("-74") becomes "-74.0". Text that
// already has a fraction or exponent, or is not a number ("null"), stays as it is.
void MakeOcsfFloat(std::string& number_text);
void WriteOcsfFloat(JsonWriter& w, std::string_view key, double value);

// FNV-1a over the bytes added, written as 16 hex digits: ids that the same input
// reproduces in every export.
class OcsfIdHash {
 public:
  void Add(std::string_view bytes) {
    for (unsigned char c : bytes) AddByte(c);
  }
  void AddByte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ull;
  }
  std::string Hex() const;

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_OCSF_COMMON_H_
