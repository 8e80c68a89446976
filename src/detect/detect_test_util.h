// Test helpers for detector tests: sign-in builders and a collecting sink that
// drives detectors the way the engine does (profiles updated after each record).
#ifndef IMPOSTOR_DETECT_DETECT_TEST_UTIL_H_
#define IMPOSTOR_DETECT_DETECT_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "detect/account_profile.h"
#include "detect/detector.h"

namespace impostor::testing {

struct CollectingSink : FindingSink {
  std::vector<Finding> findings;
  void OnFinding(Finding&& f) override { findings.push_back(std::move(f)); }
};

inline SignIn At(const std::string& account, const std::string& time, const std::string& ip, double lat, double lon,
                 const std::string& country, const std::string& city = "", double accuracy_km = -1) {
  SignIn s;
  s.account = account;
  s.time_ms = *ParseTimestamp(time);
  s.ip_text = ip;
  s.ip = IpAddress::Parse(ip);
  s.geo.lat = lat;
  s.geo.lon = lon;
  s.geo.country = country;
  s.geo.city = city;
  s.geo.accuracy_km = accuracy_km;
  s.geo.source = GeoSource::kVendor;
  s.outcome = Outcome::kSuccess;
  s.interactive = true;
  s.source_format = "test";
  return s;
}

// Feeds sign-ins to one detector as the engine would.
class Harness {
 public:
  explicit Harness(std::unique_ptr<SignInDetector> d) : detector_(std::move(d)) {}
  void Feed(const SignIn& s) {
    uint32_t idx = profiles_.Intern(s.account);
    detector_->Observe(s, SignInContext{idx, &profiles_}, sink_);
    profiles_.Learn(idx, s);
  }
  std::vector<Finding>& findings() { return sink_.findings; }
  SignInDetector& detector() { return *detector_; }
  AccountProfiles& profiles() { return profiles_; }

 private:
  std::unique_ptr<SignInDetector> detector_;
  AccountProfiles profiles_;
  CollectingSink sink_;
};

}  // namespace impostor::testing

#endif  // IMPOSTOR_DETECT_DETECT_TEST_UTIL_H_
