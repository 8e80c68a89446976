#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "resolve/normalize.h"

namespace impostor {

std::string NormalizePhone(std::string_view raw, std::string_view default_region) {
  raw = TrimAscii(raw);
  if (raw.empty()) return "";
  if (IsOpaqueHash(raw)) {
    std::string out(raw);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  // Fast path: "+" followed by digits and separators only is E.164 once the
  // separators are gone (libphonenumber parsing costs microseconds per number).
  std::string digits;
  bool plus = false, only_simple = true;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      continue;
    } else {
      only_simple = false;
    }
  }
  if (digits.size() < 6 || digits.size() > 15) {
    if (only_simple) return "";
  }
  if (plus && only_simple && digits.size() >= 8) return "+" + digits;
  if (only_simple && digits.size() > 10 && digits.rfind("00", 0) == 0) return "+" + digits.substr(2);
  const i18n::phonenumbers::PhoneNumberUtil* util = i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber number;
  std::string region(default_region.empty() ? "US" : default_region);
  for (char& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto err = util->Parse(std::string(raw), region, &number);
  if (err != i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR) return "";
  std::string e164;
  util->Format(number, i18n::phonenumbers::PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace impostor
