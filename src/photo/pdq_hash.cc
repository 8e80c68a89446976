#include "photo/pdq_hash.h"

#include <string>

namespace impostor {

std::string PdqHash::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (int w = 0; w < 4; ++w) {
    uint64_t word = words[3 - w];
    for (int d = 15; d >= 0; --d) {
      out[w * 16 + d] = kDigits[word & 0xf];
      word >>= 4;
    }
  }
  return out;
}

Result<PdqHash> PdqHash::FromHex(std::string_view hex) {
  if (hex.size() != 64) {
    return Status::InvalidArgument("PDQ hash must be 64 hex digits, got " +
                                   std::to_string(hex.size()) + " characters");
  }
  PdqHash h;
  for (int w = 0; w < 4; ++w) {
    uint64_t word = 0;
    for (int d = 0; d < 16; ++d) {
      char c = hex[w * 16 + d];
      uint64_t v;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
      else return Status::InvalidArgument(std::string("PDQ hash has a non-hex character '") + c + "'");
      word = (word << 4) | v;
    }
    h.words[3 - w] = word;
  }
  return h;
}

}  // namespace impostor
