// ICU time zones shared by the detectors that compare a claimed location with
// the hours or clock an account keeps (signin.work_hours, endpoint.locale_mismatch).
//
// Thread safety: pure functions over ICU's immutable zone data.
#ifndef IMPOSTOR_DETECT_TIME_ZONES_H_
#define IMPOSTOR_DETECT_TIME_ZONES_H_

#include <unicode/timezone.h>

#include <memory>
#include <string>
#include <vector>

namespace impostor {

// The canonical location zones of an ISO 3166 alpha-2 country (upper case), e.g.
// America/New_York ... America/Los_Angeles for US; empty for anything else.
std::vector<std::unique_ptr<icu::TimeZone>> ZonesOfCountry(const std::string& country);

}  // namespace impostor

#endif  // IMPOSTOR_DETECT_TIME_ZONES_H_
