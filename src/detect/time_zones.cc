#include "detect/time_zones.h"

#include <unicode/strenum.h>

namespace impostor {

std::vector<std::unique_ptr<icu::TimeZone>> ZonesOfCountry(const std::string& country) {
  std::vector<std::unique_ptr<icu::TimeZone>> out;
  if (country.size() != 2) return out;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> ids(
      icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, country.c_str(), nullptr, status));
  if (U_FAILURE(status) || !ids) return out;
  const icu::UnicodeString* id;
  while ((id = ids->snext(status)) != nullptr && U_SUCCESS(status)) {
    out.emplace_back(icu::TimeZone::createTimeZone(*id));
  }
  return out;
}

}  // namespace impostor
